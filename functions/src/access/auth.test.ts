import { describe, expect, it } from 'vitest';
import { bearerCaller } from './auth.js';

describe('bearerCaller', () => {
  const verify = (token: string) =>
    token === 'admin-token'
      ? Promise.resolve({ uid: 'a', admin: true })
      : token === 'user-token'
        ? Promise.resolve({ uid: 'u' })
        : Promise.reject(new Error('invalid'));

  it('reads the admin claim from a verified token', async () => {
    expect(await bearerCaller('Bearer admin-token', verify)).toEqual({ uid: 'a', admin: true });
    expect(await bearerCaller('bearer user-token', verify)).toEqual({ uid: 'u', admin: false });
  });

  it('is null without a header, with another scheme or with a token that does not verify', async () => {
    expect(await bearerCaller(undefined, verify)).toBeNull();
    expect(await bearerCaller('Basic admin-token', verify)).toBeNull();
    expect(await bearerCaller('Bearer forged', verify)).toBeNull();
  });
});
