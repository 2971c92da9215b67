// The fake STS through the AWS SDK's own web-token credential provider (query
// protocol, XML answers), with the fake metadata server's tokens.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromWebToken } from '@aws-sdk/credential-providers';
import { IDENTITY_PATH, startGceMetadata, type GceMetadataLocal } from './gceMetadata.ts';
import { newSigningKey, signJwt } from './jwt.ts';
import { startStsLocal, type IssuedCredentials, type StsLocal } from './sts.ts';

const ROLE = 'arn:aws:iam::123456789012:role/payments-cloudwatch';
let md: GceMetadataLocal;
let sts: StsLocal;
const issuedToListener: IssuedCredentials[] = [];

beforeAll(async () => {
  md = await startGceMetadata({ port: 0 });
  sts = await startStsLocal({ port: 0, trust: { issuerKey: md.publicKey } });
  sts.onIssue((c) => issuedToListener.push(c));
});
afterAll(() => Promise.all([md.close(), sts.close()]));
beforeEach(() => {
  md.reset();
  sts.reset();
  sts.setLifetime(undefined);
  sts.setTrust({ issuerKey: md.publicKey });
  issuedToListener.length = 0;
});

async function idToken(audience = ROLE): Promise<string> {
  const res = await fetch(`${md.url}${IDENTITY_PATH}?audience=${encodeURIComponent(audience)}&format=full`, {
    headers: { 'Metadata-Flavor': 'Google' },
  });
  return res.text();
}
/** Credentials from the real SDK provider pointed at the fake. */
function assume(webIdentityToken: string, durationSeconds?: number) {
  return fromWebToken({
    roleArn: ROLE,
    webIdentityToken,
    roleSessionName: 'processPayment-test',
    ...(durationSeconds ? { durationSeconds } : {}),
    clientConfig: { region: 'us-east-1', endpoint: sts.url, maxAttempts: 1 },
  })();
}
async function sdkError(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('AssumeRoleWithWebIdentity', () => {
  it('answers temporary credentials the SDK parses, living DurationSeconds, and tells listeners', async () => {
    const before = Date.now();
    const creds = await assume(await idToken(), 1800);
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    expect(creds.sessionToken!.length).toBeGreaterThan(100);
    const lifetime = creds.expiration!.getTime() - before;
    expect(lifetime).toBeGreaterThan(1_799_000 - 1000);
    expect(lifetime).toBeLessThanOrEqual(1_800_000 + 1000);
    expect(sts.issued()).toEqual([expect.objectContaining({ accessKeyId: creds.accessKeyId, roleArn: ROLE })]);
    expect(issuedToListener.map((c) => c.sessionToken)).toEqual([creds.sessionToken]);
    const [req] = sts.requests();
    expect(req).toMatchObject({
      action: 'AssumeRoleWithWebIdentity',
      status: 200,
      roleArn: ROLE,
      sessionName: 'processPayment-test',
      durationSeconds: 1800,
      audience: ROLE,
    });
    expect(JSON.stringify(sts.requests())).not.toMatch(/eyJ/); // no token in the log
  });

  it('issues credentials of `lifetimeMs` when set (short lifetimes for refresh tests)', async () => {
    sts.setLifetime(1500);
    const creds = await assume(await idToken());
    expect(creds.expiration!.getTime() - Date.now()).toBeLessThanOrEqual(1500);
    expect(creds.expiration!.getTime() - Date.now()).toBeGreaterThan(500);
  });

  it("enforces the role's trust: audience, subject and the metadata server's signature", async () => {
    sts.setTrust({ issuerKey: md.publicKey, audience: ROLE, subject: md.serviceAccount.uniqueId });
    expect((await assume(await idToken())).accessKeyId).toMatch(/^ASIA/);
    expect(await sdkError(assume(await idToken('another-audience')))).toEqual({ name: 'AccessDenied', status: 403 });
    sts.setTrust({ issuerKey: md.publicKey, subject: '999' });
    expect((await sdkError(assume(await idToken()))).name).toBe('AccessDenied');

    sts.setTrust({ issuerKey: md.publicKey });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://accounts.google.com', aud: ROLE, sub: '1', iat: now, exp: now + 60 };
    const forged = signJwt(claims, newSigningKey().privateKey, 'other');
    expect((await sdkError(assume(forged))).name).toBe('InvalidIdentityTokenException');
    const expired = signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, newSigningKey().privateKey, 'x');
    sts.setTrust({});
    expect((await sdkError(assume(expired))).name).toBe('ExpiredTokenException');
    expect((await sdkError(assume('not-a-jwt'))).name).toBe('InvalidIdentityTokenException');
    expect(sts.requests().map((r) => r.errorCode)).toEqual([
      undefined,
      'AccessDenied',
      'AccessDenied',
      'InvalidIdentityToken',
      'ExpiredTokenException',
      'InvalidIdentityToken',
    ]);
  });

  it('refuses malformed requests like STS (query protocol)', async () => {
    const form = (params: Record<string, string>) =>
      fetch(`${sts.url}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      });
    const base = { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleSessionName: 'ok-name' };
    const badRole = await form({ ...base, RoleArn: 'role/payments', WebIdentityToken: await idToken() });
    expect(badRole.status).toBe(400);
    expect(await badRole.text()).toMatch(/<Code>ValidationError<\/Code>/);
    const badDuration = await form({
      ...base,
      RoleArn: ROLE,
      WebIdentityToken: await idToken(),
      DurationSeconds: '60',
    });
    expect(await badDuration.text()).toMatch(/<Code>ValidationError<\/Code>/);
    const unknown = await form({ Action: 'AssumeRole', Version: '2011-06-15' });
    expect(await unknown.text()).toMatch(/<Code>InvalidAction<\/Code>/);
    expect(sts.issued()).toEqual([]);
  });
});

describe('faults', () => {
  it('error500 is an outage (503 ServiceUnavailable) for `count` requests, throttle and refuse too', async () => {
    const token = await idToken();
    sts.setFaults({ mode: 'error500', count: 1 });
    expect(await sdkError(assume(token))).toEqual({ name: 'ServiceUnavailable', status: 503 });
    await expect(assume(token)).resolves.toBeDefined();
    sts.setFaults({ mode: 'throttle', count: 1 });
    expect((await sdkError(assume(token))).name).toBe('Throttling');
    sts.setFaults({ mode: 'refuse', count: 1 });
    expect(await sdkError(assume(token))).toEqual({ name: 'AccessDenied', status: 403 });
  });

  it('holds requests open in hang mode (switchable over HTTP) until the client gives up', async () => {
    const put = await fetch(`${sts.url}/__control/faults`, { method: 'PUT', body: JSON.stringify({ mode: 'hang' }) });
    expect(put.status).toBe(200);
    const started = Date.now();
    const res = await fetch(`${sts.url}/`, { method: 'POST', signal: AbortSignal.timeout(150) }).catch(
      (e: unknown) => e as Error,
    );
    expect((res as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
