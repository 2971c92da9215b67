import { HttpsError } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { authAccountLookup, SessionCheck, type AccountState } from './sessionCheck.js';

/** An account store whose lookups are counted; states can change between calls. */
function accounts(initial: Record<string, AccountState | null>) {
  const states = { ...initial };
  const lookups: string[] = [];
  return {
    states,
    lookups,
    lookup: (uid: string) => {
      lookups.push(uid);
      return Promise.resolve(states[uid] ?? null);
    },
  };
}

const SIGNED_IN = 1_700_000_000; // auth_time, seconds

describe('SessionCheck', () => {
  it('lets an active account through and refuses a disabled, deleted or revoked one', async () => {
    const a = accounts({
      ok: { disabled: false, validAfterMs: null },
      off: { disabled: true, validAfterMs: null },
      revoked: { disabled: false, validAfterMs: (SIGNED_IN + 1) * 1000 },
      sameSecond: { disabled: false, validAfterMs: SIGNED_IN * 1000 },
    });
    const check = new SessionCheck(a.lookup);
    expect(await check.refusal('ok', SIGNED_IN)).toBeNull();
    expect(await check.refusal('off', SIGNED_IN)).toBe('disabled');
    expect(await check.refusal('gone', SIGNED_IN)).toBe('disabled');
    expect(await check.refusal('revoked', SIGNED_IN)).toBe('revoked');
    // A sign-in after the revocation stands again; one in the revocation's own second too (firebase-admin's rule).
    expect(await check.refusal('revoked', SIGNED_IN + 1)).toBeNull();
    expect(await check.refusal('sameSecond', SIGNED_IN)).toBeNull();
  });

  it('throws unauthenticated naming the reason', async () => {
    const check = new SessionCheck(accounts({ off: { disabled: true, validAfterMs: null } }).lookup);
    const err = await check.require('off', SIGNED_IN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpsError);
    expect(err).toMatchObject({ code: 'unauthenticated', details: { reason: 'session-disabled' } });
    await expect(new SessionCheck(accounts({}).lookup).require('x', SIGNED_IN)).rejects.toThrow(/disabled/);
  });

  it('looks each account up at most once per minute, and again after', async () => {
    let now = 0;
    const a = accounts({ admin: { disabled: false, validAfterMs: null } });
    const check = new SessionCheck(a.lookup, { now: () => now });
    await Promise.all([check.refusal('admin', SIGNED_IN), check.refusal('admin', SIGNED_IN)]);
    a.states.admin = { disabled: true, validAfterMs: null };
    now = 59_999;
    expect(await check.refusal('admin', SIGNED_IN)).toBeNull();
    expect(a.lookups).toEqual(['admin']);
    now = 60_000;
    expect(await check.refusal('admin', SIGNED_IN)).toBe('disabled');
    expect(a.lookups).toEqual(['admin', 'admin']);
  });

  it('does not remember a failed lookup', async () => {
    let fail = true;
    const check = new SessionCheck(() =>
      fail ? Promise.reject(new Error('auth down')) : Promise.resolve({ disabled: false, validAfterMs: null }),
    );
    await expect(check.refusal('admin', SIGNED_IN)).rejects.toThrow('auth down');
    fail = false;
    expect(await check.refusal('admin', SIGNED_IN)).toBeNull();
  });
});

describe('authAccountLookup', () => {
  it("reads firebase-admin's UserRecord, a missing user as null and other failures as unavailable", async () => {
    const lookup = authAccountLookup({
      getUser: (uid) =>
        uid === 'a'
          ? Promise.resolve({ disabled: false, tokensValidAfterTime: 'Sun, 06 Dec 2026 19:00:01 GMT' })
          : uid === 'b'
            ? Promise.resolve({ disabled: true })
            : Promise.reject(Object.assign(new Error('x'), { code: uid === 'gone' ? 'auth/user-not-found' : 'x' })),
    });
    expect(await lookup('a')).toEqual({ disabled: false, validAfterMs: Date.UTC(2026, 11, 6, 19, 0, 1) });
    expect(await lookup('b')).toEqual({ disabled: true, validAfterMs: null });
    expect(await lookup('gone')).toBeNull();
    await expect(lookup('other')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
