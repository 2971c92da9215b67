// The fake metadata server: Google's identity endpoint contract and its faults.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IDENTITY_PATH, startGceMetadata, tokenClaims, type GceMetadataLocal } from './gceMetadata.ts';
import { decodeJwt, verifyJwt } from './jwt.ts';

let md: GceMetadataLocal;
beforeAll(async () => {
  md = await startGceMetadata({ port: 0 });
});
afterAll(() => md.close());
beforeEach(() => md.reset());

const identity = (query: string, headers: Record<string, string> = { 'Metadata-Flavor': 'Google' }) =>
  fetch(`${md.url}${IDENTITY_PATH}?${query}`, { headers });

describe('identity tokens', () => {
  it('answers a signed JWT for the requested audience with the service account as azp/sub (and email with format=full)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await identity('audience=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fpayments&format=full');
    expect(res.status).toBe(200);
    expect(res.headers.get('metadata-flavor')).toBe('Google');
    const token = await res.text();
    const claims = tokenClaims(token)!;
    expect(claims).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: 'arn:aws:iam::123456789012:role/payments',
      azp: md.serviceAccount.uniqueId,
      sub: md.serviceAccount.uniqueId,
      email: md.serviceAccount.email,
      email_verified: true,
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(verifyJwt(decodeJwt(token)!, md.publicKey)).toBe(true);
    const standard = tokenClaims(await (await identity('audience=x')).text())!;
    expect(standard.email).toBeUndefined();
    expect(md.requests().map((r) => r.audience)).toEqual(['arn:aws:iam::123456789012:role/payments', 'x']);
  });

  it('refuses requests without Metadata-Flavor: Google or forwarded ones, and wants an audience', async () => {
    expect((await identity('audience=x', {})).status).toBe(403);
    expect((await identity('audience=x', { 'Metadata-Flavor': 'google-ish' })).status).toBe(403);
    expect((await identity('audience=x', { 'Metadata-Flavor': 'Google', 'X-Forwarded-For': '10.0.0.1' })).status).toBe(
      403,
    );
    const none = await identity('format=full');
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('audience');
    expect(md.requests().map((r) => [r.status, r.flavor])).toEqual([
      [403, false],
      [403, false],
      [403, true],
      [400, true],
    ]);
  });
});

describe('faults', () => {
  it('answers 500 `count` times, then recovers; notFound answers 404', async () => {
    md.setFaults({ mode: 'error500', count: 2 });
    expect((await identity('audience=x')).status).toBe(500);
    expect((await identity('audience=x')).status).toBe(500);
    expect((await identity('audience=x')).status).toBe(200);
    md.setFaults({ mode: 'notFound' });
    expect((await identity('audience=x')).status).toBe(404);
  });

  it('holds requests open in hang mode, switchable over HTTP; refuses unknown modes', async () => {
    const put = (body: unknown) => fetch(`${md.url}/__control/faults`, { method: 'PUT', body: JSON.stringify(body) });
    expect((await put({ mode: 'explode' })).status).toBe(400);
    expect((await put({ mode: 'hang' })).status).toBe(200);
    const started = Date.now();
    const err = await fetch(`${md.url}${IDENTITY_PATH}?audience=x`, {
      headers: { 'Metadata-Flavor': 'Google' },
      signal: AbortSignal.timeout(150),
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
