/**
 * Keyless credentials end to end against the local fakes (devtools/aws-fakes):
 * the metadata server's ID token, the real AWS SDK's fromWebToken against the
 * fake STS, and how each failure is worded. Also the choice between keys and
 * role made from the configuration.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.js';
import { AwsCredentialsError } from './awsCredentials.js';
import { awsCredentialSource, webIdentityAudience } from './awsCredentialsFromConfig.js';
import { fetchIdToken, sessionNameFor, webIdentityFetcher, type WebIdentityOptions } from './awsWebIdentity.js';
import { useAwsFakes } from '../testing/awsFakes.js';

const ROLE = 'arn:aws:iam::123456789012:role/payments-cloudwatch';
const fakes = useAwsFakes();

const options = (over: Partial<WebIdentityOptions> = {}): WebIdentityOptions => ({
  roleArn: ROLE,
  audience: ROLE,
  region: 'us-east-1',
  metadataHost: fakes.metadata().host,
  stsEndpoint: fakes.sts().url,
  durationSeconds: 3600,
  sessionName: 'processPayment-test',
  requestTimeoutMs: 1000,
  ...over,
});
/** One fetch through a fresh fetcher; its stages are recorded. */
async function fetchOnce(over: Partial<WebIdentityOptions> = {}, signal = AbortSignal.timeout(5000)) {
  const fetcher = webIdentityFetcher(options(over));
  const stages: string[] = [];
  try {
    return { creds: await fetcher.fetch(signal, (s) => stages.push(s)), stages };
  } finally {
    fetcher.destroy();
  }
}
/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
async function failure(p: Promise<unknown>): Promise<AwsCredentialsError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AwsCredentialsError);
  return err as AwsCredentialsError;
}

describe('the metadata server', () => {
  it('asks for an ID token for the audience with Metadata-Flavor: Google', async () => {
    const token = await fetchIdToken(fakes.metadata().host, 'my-audience', AbortSignal.timeout(2000));
    expect(token.split('.')).toHaveLength(3);
    expect(fakes.metadata().requests()).toEqual([
      expect.objectContaining({ status: 200, audience: 'my-audience', flavor: true }),
    ]);
  });

  it('words its failures: an outage, a refusal (not on Google Cloud) and no server at all', async () => {
    const md = fakes.metadata();
    md.setFaults({ mode: 'error500', count: 1 });
    expect(await failure(fetchIdToken(md.host, 'a', AbortSignal.timeout(2000)))).toMatchObject({
      reason: 'unavailable',
      message: 'could not get AWS credentials: the metadata server answered HTTP 500',
    });
    md.setFaults({ mode: 'notFound', count: 1 });
    expect((await failure(fetchIdToken(md.host, 'a', AbortSignal.timeout(2000)))).reason).toBe('refused');
    const closed = await closedPort();
    const down = await failure(fetchIdToken(`127.0.0.1:${closed}`, 'a', AbortSignal.timeout(2000)));
    expect(down.message).toBe(
      `could not get AWS credentials: the metadata server (127.0.0.1:${closed}) did not answer (ECONNREFUSED)`,
    );
  });
});

describe('STS AssumeRoleWithWebIdentity through the SDK', () => {
  it('exchanges the token for temporary credentials of the role, asking for the audience and session name', async () => {
    const before = Date.now();
    const { creds, stages } = await fetchOnce();
    expect(stages).toEqual(['the metadata server', 'STS']);
    const [issued] = fakes.sts().issued();
    expect(creds).toEqual({
      accessKeyId: issued!.accessKeyId,
      secretAccessKey: issued!.secretAccessKey,
      sessionToken: issued!.sessionToken,
      expiration: new Date(issued!.expiresAt),
    });
    expect(issued!.expiresAt - before).toBeGreaterThanOrEqual(3_599_000);
    expect(fakes.sts().requests()).toEqual([
      expect.objectContaining({ status: 200, roleArn: ROLE, sessionName: 'processPayment-test', audience: ROLE }),
    ]);
  });

  it('an STS outage is "STS unavailable", a refusal names the trust policy, a hang ends at the request deadline', async () => {
    const sts = fakes.sts();
    sts.setFaults({ mode: 'error500', count: 1 });
    expect(await failure(fetchOnce())).toMatchObject({
      reason: 'unavailable',
      message: 'could not get AWS credentials: STS unavailable (ServiceUnavailable, HTTP 503)',
    });
    sts.setTrust({ audience: 'someone-else' });
    const refused = await failure(fetchOnce());
    expect(refused.reason).toBe('refused');
    expect(refused.message).toContain('STS refused the role (AccessDenied, HTTP 403)');
    expect(refused.message).toContain('trust policy');
    sts.setTrust({});
    sts.setFaults({ mode: 'hang' });
    const started = Date.now();
    const hung = await failure(fetchOnce({ requestTimeoutMs: 200 }));
    expect(hung.message).toMatch(/^could not get AWS credentials: STS unavailable \(/);
    expect(Date.now() - started).toBeLessThan(2000);
    const down = await failure(fetchOnce({ stsEndpoint: `http://127.0.0.1:${await closedPort()}` }));
    expect(down.message).toMatch(/^could not get AWS credentials: STS unavailable \(/);
  });

  it('never puts the ID token in an error', async () => {
    fakes.sts().setTrust({ subject: 'not-this-account' });
    const err = await failure(fetchOnce());
    expect(err.message).not.toMatch(/eyJ/);
    expect(JSON.stringify(err)).not.toMatch(/eyJ/);
  });
});

describe('sessionNameFor', () => {
  it('keeps STS-legal characters, at most 64', () => {
    expect(sessionNameFor('processPayment-1b2c')).toBe('processPayment-1b2c');
    expect(sessionNameFor('a b:c/d')).toBe('a-b-c-d');
    expect(sessionNameFor('x'.repeat(80))).toHaveLength(64);
    expect(sessionNameFor('x')).toHaveLength(2);
  });
});

describe('awsCredentialSource(config)', () => {
  const env = { CLOUDWATCH_LOG_GROUP: '/g', AWS_REGION: 'us-east-1' };

  it('with AWS_ROLE_ARN: keyless through the configured metadata host and STS endpoint, audience = the role ARN', async () => {
    const cfg = parseConfig({
      ...env,
      AWS_ROLE_ARN: ROLE,
      GCE_METADATA_HOST: fakes.metadata().host,
      AWS_STS_ENDPOINT: fakes.sts().url,
    });
    expect(webIdentityAudience(cfg)).toBe(ROLE);
    const source = awsCredentialSource(cfg, null);
    try {
      expect(source.mode).toBe('web-identity');
      const creds = await source.get();
      expect(creds.accessKeyId).toBe(fakes.sts().issued()[0]!.accessKeyId);
      expect(fakes.metadata().requests()[0]!.audience).toBe(ROLE);
    } finally {
      source.destroy();
    }
    expect(webIdentityAudience(parseConfig({ ...env, AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_AUDIENCE: 'aud-1' }))).toBe(
      'aud-1',
    );
  });

  it('without: the AWS key secrets, read at the first get(), with a worded error when unset', async () => {
    let id = '';
    const secrets = { accessKeyId: { value: () => id }, secretAccessKey: { value: () => 'local-secret' } };
    const source = awsCredentialSource(parseConfig(env), secrets);
    expect(source.mode).toBe('keys');
    id = 'AKIALOCAL';
    expect(await source.get()).toEqual({ accessKeyId: 'AKIALOCAL', secretAccessKey: 'local-secret' });
    const unset = await failure(awsCredentialSource(parseConfig(env), null).get());
    expect(unset.reason).toBe('missing');
    expect(unset.message).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  });

  it('refuses malformed settings by name', () => {
    expect(() => parseConfig({ AWS_ROLE_ARN: 'payments-role' })).toThrow(/AWS_ROLE_ARN must be an IAM role ARN/);
    expect(() => parseConfig({ AWS_ROLE_SESSION_SECONDS: '60' })).toThrow(/AWS_ROLE_SESSION_SECONDS must be from 900/);
    expect(() => parseConfig({ GCE_METADATA_HOST: 'http://x/' })).toThrow(/GCE_METADATA_HOST must be a host/);
    expect(() => parseConfig({ AWS_STS_ENDPOINT: 'sts' })).toThrow(/AWS_STS_ENDPOINT must be an http\(s\) URL/);
    expect(parseConfig({})).toMatchObject({
      GCE_METADATA_HOST: 'metadata.google.internal',
      AWS_ROLE_SESSION_SECONDS: 3600,
    });
  });
});
