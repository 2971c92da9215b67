import { describe, expect, it } from 'vitest';
import { bearerAdminCaller, bearerCaller } from './auth.js';
import { SessionCheck } from './sessionCheck.js';

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

describe('bearerAdminCaller', () => {
  const SIGNED_IN = 1_700_000_000;
  const verify = (token: string) => Promise.resolve({ uid: token, admin: token !== 'user', auth_time: SIGNED_IN });
  const sessions = new SessionCheck((uid) =>
    Promise.resolve(
      uid === 'gone'
        ? null
        : { disabled: uid === 'off', validAfterMs: uid === 'revoked' ? (SIGNED_IN + 1) * 1000 : null },
    ),
  );

  it('is the admin while the session stands, and null once it was revoked or the account disabled or deleted', async () => {
    expect(await bearerAdminCaller('Bearer admin', verify, sessions)).toEqual({ uid: 'admin', admin: true });
    for (const uid of ['revoked', 'off', 'gone'])
      expect(await bearerAdminCaller(`Bearer ${uid}`, verify, sessions)).toBeNull();
  });

  it('does not ask Auth about non-admins, who are refused for their missing claim anyway', async () => {
    const asked: string[] = [];
    const counting = new SessionCheck((uid) => {
      asked.push(uid);
      return Promise.resolve(null);
    });
    expect(await bearerAdminCaller('Bearer user', verify, counting)).toEqual({ uid: 'user', admin: false });
    expect(await bearerAdminCaller(undefined, verify, counting)).toBeNull();
    expect(asked).toEqual([]);
  });
});
