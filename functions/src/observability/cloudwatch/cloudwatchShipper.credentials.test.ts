/**
 * The shipper's AWS credentials over real HTTP with the real AWS SDK: the
 * local CloudWatch endpoint checks each request's key (signature, session
 * token, expiry), the fake STS issues short-lived keys from the fake metadata
 * server's ID tokens. Keys and keyless, refresh before expiry, and STS or
 * metadata outages that leave events buffered within the flush budget.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.js';
import { CachedCredentials, type AwsCredentialSource } from '../aws/awsCredentials.js';
import { awsCredentialSource } from '../aws/awsCredentialsFromConfig.js';
import { webIdentityFetcher } from '../aws/awsWebIdentity.js';
import type { CloudWatchShipper } from './cloudwatchShipper.js';
import { useAwsFakes, type IssuedCredentials } from '../testing/awsFakes.js';
import { TestShippers, useCloudWatchLocal } from '../testing/cloudwatchLocal.js';

const ROLE = 'arn:aws:iam::123456789012:role/payments-cloudwatch';
const KEYS = { accessKeyId: 'AKIALOCALSHIPPER0001', secretAccessKey: 'shipper-test-secret-key' };
const endpoint = useCloudWatchLocal();
const fakes = useAwsFakes();
const shippers = new TestShippers(() => ({
  logGroup: '/test/credentials',
  logStream: 'stream-1',
  region: 'us-east-1',
  endpoint: endpoint().url,
  retryAttempts: 1,
  retryDelayMs: 10,
  flushBudgetMs: 2000,
}));
afterEach(() => shippers.destroyAll());

/** The key secrets as config/secrets.ts defines them, with fixed values. */
const keySecrets = (keys: { accessKeyId: string; secretAccessKey: string }) => ({
  accessKeyId: { value: () => keys.accessKeyId },
  secretAccessKey: { value: () => keys.secretAccessKey },
});
/** Keyless credentials through the fakes; retries after a failure after `retryAfterMs`. */
function keyless(retryAfterMs = 5000): AwsCredentialSource {
  const fetcher = webIdentityFetcher({
    roleArn: ROLE,
    audience: ROLE,
    region: 'us-east-1',
    metadataHost: fakes.metadata().host,
    stsEndpoint: fakes.sts().url,
    durationSeconds: 900,
    sessionName: 'shipper-test',
    requestTimeoutMs: 1000,
  });
  return new CachedCredentials({ mode: 'web-identity', fetch: fetcher.fetch, retryAfterMs, destroy: fetcher.destroy });
}
/** The CloudWatch endpoint accepts exactly what the fake STS issues (until each key expires), nothing else. */
function trustStsKeys(): void {
  endpoint().setAuth({ credentials: [{ accessKeyId: 'AKIA-NOTHING-ELSE' }], requireSessionToken: true });
  fakes.sts().onIssue((c: IssuedCredentials) => endpoint().allowCredentials(c));
}
const puts = () =>
  endpoint()
    .requests()
    .filter((r) => r.action === 'PutLogEvents');
function fill(s: CloudWatchShipper, n: number): void {
  const t = Date.now() - 1000;
  for (let i = 0; i < n; i++) s.enqueue({ event: `e${i}`, timestamp: t + i });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AWS key secrets', () => {
  it('signs with the secret key pair: the endpoint sees that key id, a valid signature and no session token', async () => {
    endpoint().setAuth({ credentials: [KEYS] });
    const cfg = parseConfig({ CLOUDWATCH_LOG_GROUP: '/g', AWS_REGION: 'us-east-1' });
    const s = shippers.make({ credentialSource: awsCredentialSource(cfg, keySecrets(KEYS)) });
    fill(s, 3);
    expect(await s.flush()).toEqual({ sent: 3, failed: 0, remaining: 0 });
    const seen = endpoint().requests();
    expect(seen.length).toBeGreaterThanOrEqual(3); // put (missing), create group, create stream, put
    for (const r of seen) expect(r).toMatchObject({ accessKeyId: KEYS.accessKeyId, sessionToken: false });
    expect(s.stats()).toMatchObject({ sent: 3, failedSends: 0, lastError: null });
  });

  it('a wrong secret is refused by CloudWatch: events stay buffered, the failure is counted and worded', async () => {
    endpoint().setAuth({ credentials: [KEYS] });
    const cfg = parseConfig({ CLOUDWATCH_LOG_GROUP: '/g', AWS_REGION: 'us-east-1' });
    const wrong = { ...KEYS, secretAccessKey: 'not-the-secret-key' };
    const s = shippers.make({ credentialSource: awsCredentialSource(cfg, keySecrets(wrong)) });
    fill(s, 2);
    expect(await s.flush()).toEqual({ sent: 0, failed: 0, remaining: 2 });
    const stats = s.stats();
    expect(stats).toMatchObject({ buffered: 2, failedSends: 1, lastError: { code: 'CLOUDWATCH_ACCESS_DENIED' } });
    expect(stats.lastError!.message).toContain('InvalidSignatureException');
    expect(JSON.stringify(stats)).not.toContain(wrong.secretAccessKey);
  });
});

describe('keyless (AWS_ROLE_ARN)', () => {
  it('signs with temporary STS credentials and their session token, fetched once and cached', async () => {
    trustStsKeys();
    const s = shippers.make({ credentialSource: keyless() });
    fill(s, 2);
    expect(await s.flush()).toMatchObject({ sent: 2, remaining: 0 });
    fill(s, 2);
    expect(await s.flush()).toMatchObject({ sent: 2, remaining: 0 });
    const [issued, ...more] = fakes.sts().issued();
    expect(more).toEqual([]); // one STS call for both flushes
    expect(fakes.sts().requests()[0]).toMatchObject({ roleArn: ROLE, audience: ROLE, sessionName: 'shipper-test' });
    const seen = endpoint().requests();
    expect(seen.map((r) => r.errorType ?? 'ok')).toEqual(['ResourceNotFoundException', 'ok', 'ok', 'ok', 'ok']);
    for (const r of seen) expect(r).toMatchObject({ accessKeyId: issued!.accessKeyId, sessionToken: true });
    expect(JSON.stringify(s.stats())).not.toContain(issued!.sessionToken);
  });

  it('refreshes the credentials before they expire: the next flush after half their lifetime signs with new ones', async () => {
    trustStsKeys();
    fakes.sts().setLifetime(1200);
    const s = shippers.make({ credentialSource: keyless() });
    fill(s, 1);
    expect(await s.flush()).toMatchObject({ sent: 1 });
    await sleep(700); // 0.5 s of 1.2 s left: due (the endpoint would refuse them after 1.2 s)
    fill(s, 1);
    expect(await s.flush()).toMatchObject({ sent: 1, remaining: 0 });
    const keys = fakes
      .sts()
      .issued()
      .map((c) => c.accessKeyId);
    expect(keys).toHaveLength(2);
    expect(
      puts()
        .filter((r) => r.status === 200)
        .map((r) => r.accessKeyId),
    ).toEqual([keys[0], keys[1]]);
    expect(
      endpoint()
        .requests()
        .some((r) => r.errorType === 'ExpiredTokenException'),
    ).toBe(false);
  });

  it('credentials CloudWatch calls expired are dropped: the next flush gets new ones', async () => {
    trustStsKeys();
    const s = shippers.make({ credentialSource: keyless() });
    fill(s, 1);
    await s.flush();
    const [first] = fakes.sts().issued();
    endpoint().allowCredentials({ ...first!, expiresAt: Date.now() - 1 }); // revoked early, as AWS may
    fill(s, 1);
    expect(await s.flush()).toMatchObject({ sent: 0, remaining: 1 });
    expect(s.stats().lastError?.message).toContain('ExpiredTokenException');
    expect(await s.flush()).toMatchObject({ sent: 1, remaining: 0 });
    expect(fakes.sts().issued()).toHaveLength(2);
  });
});

describe('STS and metadata outages', () => {
  it('an STS outage stops the flush at once: events buffered, failed sends counted, "STS unavailable"; then it recovers', async () => {
    trustStsKeys();
    fakes.sts().setFaults({ mode: 'error500' });
    const s = shippers.make({ credentialSource: keyless(100), flushBudgetMs: 300 });
    fill(s, 5);
    const started = Date.now();
    expect(await s.flush()).toEqual({ sent: 0, failed: 0, remaining: 5 });
    expect(Date.now() - started).toBeLessThan(300 + 200);
    const stats = s.stats();
    expect(stats).toMatchObject({ buffered: 5, sent: 0, failed: 0, failedSends: 1 });
    expect(stats.lastError).toMatchObject({ code: 'CLOUDWATCH_CREDENTIALS_UNAVAILABLE' });
    expect(stats.lastError!.message).toMatch(
      /^could not get AWS credentials: STS unavailable \(ServiceUnavailable, HTTP 503\)/,
    );
    expect(endpoint().requests()).toEqual([]); // nothing reached CloudWatch without credentials
    // Within retryAfterMs the next flush does not even ask STS.
    expect(await s.flush()).toMatchObject({ remaining: 5 });
    expect(fakes.sts().requests()).toHaveLength(1);
    expect(s.stats().failedSends).toBe(2);

    fakes.sts().setFaults({ mode: 'none' });
    await sleep(120);
    expect(await s.flush()).toEqual({ sent: 5, failed: 0, remaining: 0 });
  });

  it('a hanging STS or metadata server costs a flush no more than its budget', async () => {
    trustStsKeys();
    fakes.sts().setFaults({ mode: 'hang' });
    const s = shippers.make({ credentialSource: keyless(), flushBudgetMs: 250 });
    fill(s, 3);
    let started = Date.now();
    expect(await s.flush()).toMatchObject({ sent: 0, remaining: 3 });
    expect(Date.now() - started).toBeLessThan(250 + 200);
    expect(s.stats().lastError?.message).toMatch(/^could not get AWS credentials: STS did not answer in time/);

    fakes.sts().setFaults({ mode: 'none' });
    fakes.metadata().setFaults({ mode: 'hang' });
    const t = shippers.make({ credentialSource: keyless(), flushBudgetMs: 250 });
    fill(t, 3);
    started = Date.now();
    expect(await t.flush()).toMatchObject({ sent: 0, remaining: 3 });
    expect(Date.now() - started).toBeLessThan(250 + 200);
    expect(t.stats().lastError?.message).toMatch(
      /^could not get AWS credentials: the metadata server did not answer in time/,
    );
  });

  it('the health check reports missing credentials in words, within its deadline', async () => {
    fakes.metadata().setFaults({ mode: 'error500' });
    const s = shippers.make({ credentialSource: keyless(), healthTimeoutMs: 500 });
    const health = await s.checkHealth();
    expect(health.ok).toBe(false);
    expect(health.error).toBe('could not get AWS credentials: the metadata server answered HTTP 500');
  });
});
