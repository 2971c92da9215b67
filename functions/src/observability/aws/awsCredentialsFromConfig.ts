/**
 * Which AWS credentials the CloudWatch shipper uses, from the configuration:
 * - AWS_ROLE_ARN set: keyless. The function's Google identity (metadata
 *   server ID token, audience AWS_WEB_IDENTITY_AUDIENCE, default the role
 *   ARN) is exchanged with STS for temporary credentials of that role;
 * - otherwise the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY secrets (Secret
 *   Manager; functions/.secret.local or, for a local endpoint, .env.local in
 *   the emulator), read at the first flush, never at module load.
 * Never the SDK's default chain: it would silently pick up whatever keys an
 * environment happens to have.
 */
import type { Config } from '../../config/index.js';
import { awsKeySecrets } from '../../config/secrets.js';
import {
  AwsCredentialsError,
  CachedCredentials,
  CredentialFailures,
  type AwsCredentialSource,
} from './awsCredentials.js';
import { webIdentityFetcher, sessionNameFor } from './awsWebIdentity.js';
import { functionName, instanceId } from '../logs/instance.js';

/** The AWS key pair's secret parameters (config/secrets.ts), or null when they are not defined. */
export type KeySecrets = { accessKeyId: { value(): string }; secretAccessKey: { value(): string } } | null;

/** The settings of config/config.ts that choose and shape the credentials. */
export type CredentialsConfig = Pick<
  Config,
  | 'AWS_REGION'
  | 'AWS_ROLE_ARN'
  | 'AWS_WEB_IDENTITY_AUDIENCE'
  | 'AWS_ROLE_SESSION_SECONDS'
  | 'AWS_STS_ENDPOINT'
  | 'GCE_METADATA_HOST'
  | 'VUE_APP_CLOUDWATCH_TIMEOUT'
>;

/** The audience of the ID token: AWS_WEB_IDENTITY_AUDIENCE, else the role ARN itself. */
export function webIdentityAudience(
  cfg: Pick<Config, 'AWS_ROLE_ARN' | 'AWS_WEB_IDENTITY_AUDIENCE'>,
): string | undefined {
  return cfg.AWS_WEB_IDENTITY_AUDIENCE ?? cfg.AWS_ROLE_ARN;
}

/**
 * The shipper's credential source for `cfg` (only called when shipping is
 * configured, so AWS_REGION is set). `secrets` are the key secrets to read in
 * key mode (default those of config/secrets.ts).
 */
export function awsCredentialSource(cfg: CredentialsConfig, secrets: KeySecrets = awsKeySecrets): AwsCredentialSource {
  const fetchTimeoutMs = cfg.VUE_APP_CLOUDWATCH_TIMEOUT;
  if (cfg.AWS_ROLE_ARN) {
    const fetcher = webIdentityFetcher({
      roleArn: cfg.AWS_ROLE_ARN,
      audience: webIdentityAudience(cfg)!,
      region: cfg.AWS_REGION ?? 'us-east-1',
      metadataHost: cfg.GCE_METADATA_HOST,
      ...(cfg.AWS_STS_ENDPOINT ? { stsEndpoint: cfg.AWS_STS_ENDPOINT } : {}),
      durationSeconds: cfg.AWS_ROLE_SESSION_SECONDS,
      sessionName: sessionNameFor(`${functionName()}-${instanceId}`),
      requestTimeoutMs: fetchTimeoutMs,
    });
    return new CachedCredentials({
      mode: 'web-identity',
      fetch: fetcher.fetch,
      fetchTimeoutMs,
      destroy: fetcher.destroy,
    });
  }
  return new CachedCredentials({
    mode: 'keys',
    fetchTimeoutMs,
    // eslint-disable-next-line @typescript-eslint/require-await -- the fetcher contract is async
    fetch: async () => {
      const accessKeyId = secrets?.accessKeyId.value().trim();
      const secretAccessKey = secrets?.secretAccessKey.value().trim();
      if (!accessKeyId || !secretAccessKey) {
        throw new AwsCredentialsError(
          CredentialFailures.missing,
          'could not get AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set ' +
            '(firebase functions:secrets:set each; functions/.secret.local in the emulator), or set AWS_ROLE_ARN',
        );
      }
      return { accessKeyId, secretAccessKey };
    },
  });
}
