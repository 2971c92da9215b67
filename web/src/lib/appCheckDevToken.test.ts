import { describe, expect, it } from 'vitest';
import { DEV_APP_ID, DEV_TOKEN_TTL_MS, devAppCheckToken } from './appCheckDevToken';

const decode = (part: string): unknown => JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as unknown;

describe('devAppCheckToken', () => {
  it('is an unsigned JWT with the app id in sub and app_id, expiring with the token', () => {
    const now = 1_800_000_000_000;
    const { token, expireTimeMillis } = devAppCheckToken('1:9:web:x', now);
    // The JWT shape firebase-functions decodes in the emulator (its JWT_REGEX): three base64url parts, empty signature.
    expect(token).toMatch(/^[a-zA-Z0-9\-_=]+?\.[a-zA-Z0-9\-_=]+?\.([a-zA-Z0-9\-_=]+)?$/);
    const [header, claims, signature] = token.split('.');
    expect(decode(header!)).toEqual({ alg: 'none', typ: 'JWT' });
    expect(decode(claims!)).toEqual({ sub: '1:9:web:x', app_id: '1:9:web:x', iat: now / 1000, exp: now / 1000 + 3600 });
    expect(signature).toBe('');
    expect(expireTimeMillis).toBe(now + DEV_TOKEN_TTL_MS);
  });

  it('defaults to the emulator app id', () => {
    const [, claims] = devAppCheckToken().token.split('.');
    expect(decode(claims!)).toMatchObject({ sub: DEV_APP_ID });
  });
});
