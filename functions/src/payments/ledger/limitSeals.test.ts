import { describe, expect, it } from 'vitest';
import { seal } from '../../access/sealedReads.js';
import type { AppError } from '../../resilience/appError.js';
import { FakeStore, type Version } from '../testing/fakeClaimStore.js';
import { asVersion, LEASE, LIMITS, NOW, req } from '../testing/claimFixtures.js';
import { LIMITS_PURPOSE, LimitSeals, type UpdateTimes } from './limitSeals.js';
import type { OptimisticClaims } from './optimisticClaim.js';

const KEY = 'test-seal-key-0123456789';
/** The fake store's versions as seals carry them: its counter as seconds. */
const FAKE_TIMES: UpdateTimes = {
  toSealed: (v) => ({ seconds: (v as unknown as Version).seq, nanoseconds: 0 }),
  fromSealed: (t) => asVersion({ seq: t.seconds }),
};

/** One instance: its own OptimisticClaims (so its own copies) over the shared store, and its seals. */
function instance(store: FakeStore, key: string | null = KEY, now = () => NOW) {
  const claims = store.claims(LIMITS, now);
  return { claims, seals: new LimitSeals(() => key, claims, now, FAKE_TIMES) };
}

const tx = (n: number) => ({ ...req, transactionId: `tx-${n}` });

/** The seal instance `a` hands out after claiming `tx-n` for u1. */
async function sealAfterClaim(a: { claims: OptimisticClaims; seals: LimitSeals }, n: number) {
  await a.claims.claim(tx(n), LEASE, `c${n}`);
  const token = a.seals.issue('u1');
  expect(token).toEqual(expect.any(String));
  return token!;
}

describe('LimitSeals', () => {
  it("another instance opens the seal and claims the user's first payment there without reading", async () => {
    const store = new FakeStore();
    const token = await sealAfterClaim(instance(store), 1);
    const b = instance(store);
    store.reads = [];
    b.seals.open('u1', token);
    expect(await b.claims.claim(tx(2), LEASE, 'c2')).toMatchObject({ kind: 'claimed', claimId: 'c2' });
    expect(store.reads).toEqual([]);
    expect(store.commits).toBe(2);
    // The copy was exact: both calls hold their slot and the bucket lost a token each.
    expect(store.docs.get('userLimits/u1')?.data).toEqual({
      tokens: 3,
      refilledAt: NOW,
      inFlight: { c1: NOW + LEASE, c2: NOW + LEASE },
    });
  });

  it('carries the copy as this instance last wrote it, and nothing of it is readable', async () => {
    const store = new FakeStore();
    const a = instance(store);
    const token = await sealAfterClaim(a, 1);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const plain of ['tokens', 'inFlight', 'userLimits', String(NOW)])
      expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain(plain);
    const b = instance(store);
    b.seals.open('u1', token);
    expect(b.claims.cached('u1')).toEqual(a.claims.cached('u1'));
  });

  it('a stale seal (the limits changed since) fails the precondition and the claim reads, as a stale copy does', async () => {
    const store = new FakeStore();
    const old = await sealAfterClaim(instance(store), 1);
    // Elsewhere the user spent two more tokens.
    store.put('userLimits/u1', { tokens: 2, refilledAt: NOW, inFlight: { c1: NOW + LEASE } });
    const b = instance(store);
    store.reads = [];
    store.commits = 0;
    b.seals.open('u1', old);
    expect(await b.claims.claim(tx(2), LEASE, 'c2')).toMatchObject({ kind: 'claimed', claimId: 'c2' });
    expect(store.commits).toBe(2);
    expect(store.reads).toEqual(['userLimits/u1']);
    // Decided on the fresh read, not on the seal's 4 tokens.
    expect(store.docs.get('userLimits/u1')?.data).toEqual({
      tokens: 1,
      refilledAt: NOW,
      inFlight: { c1: NOW + LEASE, c2: NOW + LEASE },
    });
  });

  it('a seal from before the user took every in-flight slot does not let a call through', async () => {
    const store = new FakeStore();
    const a = instance(store);
    const old = await sealAfterClaim(a, 1);
    await a.claims.claim(tx(2), LEASE, 'c2'); // maxInFlight 2: both slots taken
    const b = instance(store);
    b.seals.open('u1', old);
    const err = (await b.claims.claim(tx(3), LEASE, 'c3').catch((e: unknown) => e)) as AppError;
    expect(err.details).toMatchObject({ reason: 'user-in-flight' });
    expect(store.docs.has('payments/tx-3')).toBe(false);
  });

  it('a seal from before the user ran out does not let a call through: refused after the re-read, nothing written', async () => {
    const store = new FakeStore();
    const old = await sealAfterClaim(instance(store), 1);
    // Elsewhere the user spends the rest of the bucket.
    store.put('userLimits/u1', { tokens: 0, refilledAt: NOW, inFlight: {} });
    const b = instance(store);
    b.seals.open('u1', old);
    const err = (await b.claims.claim(tx(2), LEASE, 'c2').catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('PAYMENT_USER_LIMITED');
    expect(err.details).toMatchObject({ reason: 'user-rate' });
    expect(store.docs.has('payments/tx-2')).toBe(false);
    expect(store.docs.get('userLimits/u1')?.data).toEqual({ tokens: 0, refilledAt: NOW, inFlight: {} });
  });

  it('is used by the spend of a call answered without a claim (breaker open): one write, no read', async () => {
    const store = new FakeStore();
    const token = await sealAfterClaim(instance(store), 1);
    const b = instance(store);
    store.reads = [];
    store.commits = 0;
    b.seals.open('u1', token);
    await b.claims.spend(tx(2), 's2');
    expect(store.reads).toEqual([]);
    expect(store.commits).toBe(1);
    expect(store.docs.get('userLimits/u1')?.data).toMatchObject({ tokens: 3 });
  });

  const ignored: [string, (token: string) => [uid: string, token: string], (() => number)?, string?][] = [
    ['an altered seal', (t) => ['u1', `${t.slice(0, 20)}${t[20] === 'A' ? 'B' : 'A'}${t.slice(21)}`]],
    ['a seal of another user', (t) => ['u2', t]],
    ['a seal made with another key', () => ['u1', otherKeySeal()]],
    ['a seal of another purpose', () => ['u1', otherPurposeSeal()]],
    ['an expired seal (15 minutes)', (t) => ['u1', t], () => NOW + 15 * 60_000],
    ['no key on the instance', (t) => ['u1', t], undefined, 'none'],
    ['garbage', () => ['u1', 'not a seal']],
  ];
  it.each(ignored)('%s is ignored: the instance reads as without one', async (_name, use, later, key) => {
    const store = new FakeStore();
    const token = await sealAfterClaim(instance(store), 1);
    const [uid, presented] = use(token);
    const b = instance(store, key === 'none' ? null : KEY, later);
    b.seals.open(uid, presented);
    expect(b.claims.cached('u1')).toBeUndefined();
    expect(b.claims.cached('u2')).toBeUndefined();
    store.reads = [];
    await b.claims.claim({ ...tx(2), uid }, LEASE, 'c2');
    expect(store.reads).toEqual([`userLimits/${uid}`]);
  });

  it('does not open again the seal it issued last while its copy is at least as new (no key read, no change)', async () => {
    const store = new FakeStore();
    let keyReads = 0;
    const claims = store.claims(LIMITS, () => NOW);
    const a = {
      claims,
      seals: new LimitSeals(
        () => (keyReads++, KEY),
        claims,
        () => NOW,
        FAKE_TIMES,
      ),
    };
    const token = await sealAfterClaim(a, 1);
    const held = a.claims.cached('u1');
    keyReads = 0;
    a.seals.open('u1', token);
    expect(keyReads).toBe(0);
    expect(a.claims.cached('u1')).toBe(held);
    // Once the instance has dropped its copy, the same seal is opened and adopted: the claim reads nothing.
    a.claims.forget('u1');
    a.seals.open('u1', token);
    expect(keyReads).toBe(1);
    expect(a.claims.cached('u1')).toEqual(held);
    store.reads = [];
    await a.claims.claim(tx(2), LEASE, 'c2');
    expect(store.reads).toEqual([]);
  });

  it("does not replace the instance's own copy", async () => {
    const store = new FakeStore();
    const token = await sealAfterClaim(instance(store), 1);
    const b = instance(store);
    b.claims.remember('u1', { tokens: 1, refilledAt: NOW, inFlight: {} }, asVersion({ seq: 99 }));
    b.seals.open('u1', token);
    expect(b.claims.cached('u1')).toEqual({
      state: { tokens: 1, refilledAt: NOW, inFlight: {} },
      version: { seq: 99 },
    });
  });

  it('issues nothing without a copy, for a user who has no limits document, or without a key', async () => {
    const store = new FakeStore();
    const a = instance(store);
    expect(a.seals.issue('u1')).toBeUndefined();
    a.claims.remember('u1', { tokens: 1, refilledAt: NOW, inFlight: {} }, asVersion({ seq: 1 }));
    expect(instance(store, null).seals.issue('u1')).toBeUndefined();
    // A copy of "no document yet" (read before the user's first claim) is not sealed.
    store.put('payments/tx-1', { uid: 'u1' });
    const fresh = instance(store);
    await fresh.claims.claim(req, LEASE, 'c1');
    expect(fresh.claims.cached('u1')).toEqual({ state: undefined, version: null });
    expect(fresh.seals.issue('u1')).toBeUndefined();
  });

  it('issues nothing the caller could not send back (a copy past PAYMENT_SEAL_MAX_LENGTH)', () => {
    const a = instance(new FakeStore());
    const spent = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`claim-${i}-${'x'.repeat(20)}`, NOW]));
    a.claims.remember('u1', { tokens: 1, refilledAt: NOW, inFlight: {}, spent }, asVersion({ seq: 1 }));
    expect(a.seals.issue('u1')).toBeUndefined();
  });
});

function otherKeySeal(): string {
  const doc = { path: 'userLimits/u1', updateTime: { seconds: 3, nanoseconds: 0 }, data: { tokens: 5 } };
  return seal('another-key-0123456789', LIMITS_PURPOSE, 'u1', [doc], NOW);
}

function otherPurposeSeal(): string {
  const data = { tokens: 4, refilledAt: NOW, inFlight: {} };
  return seal(KEY, 'refund', 'u1', [{ path: 'userLimits/u1', updateTime: { seconds: 3, nanoseconds: 0 }, data }], NOW);
}
