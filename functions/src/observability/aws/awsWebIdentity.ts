/**
 * Keyless AWS credentials for a Cloud Function: a Google-signed ID token of
 * the function's service account, from the metadata server, exchanged with
 * STS AssumeRoleWithWebIdentity (the AWS SDK's fromWebToken provider) for
 * temporary credentials of an IAM role that trusts accounts.google.com.
 * No AWS key exists anywhere; the role's trust policy decides which service
 * account may assume it (docs/aws-credentials.md).
 *
 * Every fetch asks for a fresh ID token (they live an hour; a new one costs a
 * local request) and builds the SDK provider around it, because fromWebToken
 * takes the token as a value. Errors are worded from identifiers only
 * (error names, HTTP statuses, network codes): never a token or a server's text.
 */
import { fromWebToken } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:https';
import { AwsCredentialsError, CredentialFailures, type AwsCredentials } from './awsCredentials.js';
import { safeIdentifier } from '../cloudwatch/cloudwatchErrors.js';

/** Settings of {@link webIdentityFetcher}. */
export interface WebIdentityOptions {
  roleArn: string;
  /** The ID token's audience; the trust policy's `accounts.google.com:oaud`. */
  audience: string;
  region: string;
  /** Metadata server as `host[:port]` (GCE_METADATA_HOST); default metadata.google.internal. */
  metadataHost?: string;
  /** STS endpoint URL; default the SDK's regional endpoint (AWS_STS_ENDPOINT). */
  stsEndpoint?: string;
  /** Session lifetime asked of STS, s (AWS_ROLE_SESSION_SECONDS). */
  durationSeconds: number;
  /** RoleSessionName, shown in CloudTrail: which instance acted. */
  sessionName: string;
  /** Deadline of each request (metadata server, STS), ms. */
  requestTimeoutMs: number;
}

const IDENTITY_PATH = '/computeMetadata/v1/instance/service-accounts/default/identity';
const JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** STS answers that say no (trust policy, token, role), as opposed to being down. */
const STS_REFUSALS = new Set([
  'InvalidIdentityTokenException',
  'IDPRejectedClaimException',
  'ExpiredTokenException',
  'AccessDenied',
  'AccessDeniedException',
  'ValidationError',
  'MalformedPolicyDocumentException',
  'PackedPolicyTooLargeException',
  'RegionDisabledException',
]);

/** `roleSessionName` from a function and instance name: STS allows [\w+=,.@-], 2 to 64 characters. */
export function sessionNameFor(name: string): string {
  const cleaned = name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

const fail = (reason: (typeof CredentialFailures)[keyof typeof CredentialFailures], what: string) =>
  new AwsCredentialsError(reason, `could not get AWS credentials: ${what}`);

/** A network failure in words: its code (ECONNREFUSED...) or error name, never its message. */
function networkCause(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | undefined;
  return safeIdentifier(e?.cause?.code) ?? safeIdentifier(e?.code) ?? safeIdentifier(e?.name) ?? 'Error';
}

/**
 * Asks the metadata server for an ID token for `audience` (format=full: it
 * carries the service account's email too). Rejects with AwsCredentialsError.
 */
export async function fetchIdToken(metadataHost: string, audience: string, signal: AbortSignal): Promise<string> {
  const url = `http://${metadataHost}${IDENTITY_PATH}?audience=${encodeURIComponent(audience)}&format=full`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { 'Metadata-Flavor': 'Google' }, signal, redirect: 'error' });
  } catch (err) {
    throw fail(
      CredentialFailures.unavailable,
      `the metadata server (${metadataHost}) did not answer (${networkCause(err)})`,
    );
  }
  const body = await res.text().catch(() => '');
  if (res.status >= 500) throw fail(CredentialFailures.unavailable, `the metadata server answered HTTP ${res.status}`);
  if (res.status !== 200) {
    throw fail(
      CredentialFailures.refused,
      `the metadata server refused the identity request (HTTP ${res.status}); is this running on Google Cloud with a service account?`,
    );
  }
  // A proxy or captive page could answer 200 too; only Google's server says Metadata-Flavor: Google.
  const token = body.trim();
  if (res.headers.get('metadata-flavor') !== 'Google' || !JWT_RE.test(token)) {
    throw fail(CredentialFailures.refused, "the metadata server's answer is not an ID token");
  }
  return token;
}

/** An STS failure in words: refused (trust policy, role) or unavailable (outage). */
function stsFailure(err: unknown): AwsCredentialsError {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = safeIdentifier(e?.name) ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const what = status === undefined ? name : `${name}, HTTP ${status}`;
  if (
    STS_REFUSALS.has(name) ||
    (status !== undefined && status >= 400 && status < 500 && status !== 429 && name !== 'Throttling')
  ) {
    return fail(
      CredentialFailures.refused,
      `STS refused the role (${what}); check AWS_ROLE_ARN and the role's trust policy (accounts.google.com, its oaud = AWS_WEB_IDENTITY_AUDIENCE, its sub = the service account's unique id)`,
    );
  }
  return fail(CredentialFailures.unavailable, `STS unavailable (${status === undefined ? networkCause(err) : what})`);
}

/**
 * A fetcher for CachedCredentials: metadata ID token -> STS temporary
 * credentials. STS requests share one keep-alive handler with a deadline
 * (the SDK provider takes no abort signal), and are not retried by the SDK:
 * the cache's retryAfterMs paces retries.
 */
export function webIdentityFetcher(o: WebIdentityOptions): {
  fetch: (signal: AbortSignal, stage: (name: string) => void) => Promise<AwsCredentials>;
  destroy: () => void;
} {
  const handler = new NodeHttpHandler({
    connectionTimeout: o.requestTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    // Without it a request past requestTimeout only logs a warning and goes on waiting.
    throwOnRequestTimeout: true,
    httpsAgent: new Agent({ keepAlive: true, maxSockets: 2 }),
  });
  const metadataHost = o.metadataHost ?? 'metadata.google.internal';
  return {
    async fetch(signal, stage) {
      stage('the metadata server');
      const webIdentityToken = await fetchIdToken(metadataHost, o.audience, signal);
      stage('STS');
      const provider = fromWebToken({
        roleArn: o.roleArn,
        webIdentityToken,
        roleSessionName: o.sessionName,
        durationSeconds: o.durationSeconds,
        clientConfig: {
          region: o.region,
          ...(o.stsEndpoint ? { endpoint: o.stsEndpoint } : {}),
          maxAttempts: 1,
          requestHandler: handler,
        },
      });
      try {
        const c = await provider();
        return {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
          ...(c.expiration ? { expiration: c.expiration } : {}),
        };
      } catch (err) {
        throw stsFailure(err);
      }
    },
    destroy: () => handler.destroy(),
  };
}
