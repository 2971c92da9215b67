import { describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import type { AppError } from '../../resilience/appError.js';
import type { UserLimitState } from '../limits/userLimiter.js';
import { FakeStore } from '../testing/fakeClaimStore.js';
import { asVersion, LEASE, LIMITS, NOW, req, stored } from '../testing/claimFixtures.js';

describe('OptimisticClaims.claim', () => {
  it('a first payment of a new user: one read, one batch creating both documents and the history event', async () => {
    const store = new FakeStore();
    const claim = await store.claims(LIMITS, () => NOW).claim(req, LEASE, 'c1');
    expect(claim).toMatchObject({ kind: 'claimed', claimId: 'c1', resolveFirst: false, settleFrom: null });
    // The fake's write time is its counter after the batch's three writes.
    expect(claim && 'kind' in claim && claim.kind === 'claimed' && claim.version).toEqual({ seq: 3 });
    const events = [...store.docs].filter(([path]) => path.startsWith('payments/tx-1/events/'));
    expect(events.map(([, d]) => d.data)).toMatchObject([
      { type: 'claimed', statusBefore: null, statusAfter: 'pending' },
    ]);
    expect(store.reads).toEqual(['userLimits/u1']);
    expect(store.commits).toBe(1);
    expect(store.docs.get('payments/tx-1')?.data).toMatchObject({ status: 'pending', claimId: 'c1' });
    expect(store.docs.get('userLimits/u1')?.data).toEqual({
      tokens: 4,
      refilledAt: NOW,
      inFlight: { c1: NOW + LEASE },
    });
  });

  it('a known user: the update is conditional on the copy read, and the written copy is cached', async () => {
    const store = new FakeStore();
    store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: {} });
    const claims = store.claims(LIMITS, () => NOW);
    await claims.claim(req, LEASE, 'c1');
    expect(store.docs.get('userLimits/u1')?.data).toMatchObject({ tokens: 4, inFlight: { c1: NOW + LEASE } });
    expect(claims.cached('u1')).toEqual({
      state: { tokens: 4, refilledAt: NOW, inFlight: { c1: NOW + LEASE } },
      version: store.docs.get('userLimits/u1')!.version,
    });
    // The second claim uses the cached copy: no further read.
    await claims.claim({ ...req, transactionId: 'tx-2' }, LEASE, 'c2');
    expect(store.reads).toEqual(['userLimits/u1']);
    expect(store.docs.get('userLimits/u1')?.data).toMatchObject({ tokens: 3 });
  });

  it('the payment exists -> { exists } with the stored record; the cached limits are kept', async () => {
    const store = new FakeStore();
    const existing = stored();
    store.put('payments/tx-1', existing);
    const claims = store.claims(LIMITS, () => NOW);
    expect(await claims.claim(req, LEASE, 'c1')).toEqual({ exists: existing });
    expect(claims.cached('u1')).toEqual({ state: undefined, version: null });
    expect(store.docs.has('userLimits/u1')).toBe(false);
  });

  it('the refused create finds no payment on its read (deleted in between) -> next round creates it', async () => {
    const store = new FakeStore();
    store.put('payments/tx-1', stored());
    store.beforeRead = (path) => void (path === 'payments/tx-1' && store.docs.delete(path));
    const claim = await store.claims(LIMITS, () => NOW).claim(req, LEASE, 'c1');
    expect(claim).toMatchObject({ kind: 'claimed', claimId: 'c1' });
    expect(store.commits).toBe(2);
    // The user's copy was dropped and read again for the second round.
    expect(store.reads).toEqual(['userLimits/u1', 'payments/tx-1', 'userLimits/u1']);
  });

  it('the user changed under the claim (FAILED_PRECONDITION) -> re-read and claim again', async () => {
    const store = new FakeStore();
    store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: {} });
    store.beforeCommit = () => {
      store.beforeCommit = null;
      store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: { other: NOW + LEASE } });
    };
    const claim = await store.claims(LIMITS, () => NOW).claim(req, LEASE, 'c1');
    expect(claim).toMatchObject({ kind: 'claimed', claimId: 'c1' });
    expect(store.commits).toBe(2);
    expect(store.reads).toEqual(['userLimits/u1', 'userLimits/u1']);
    // The other call's slot survives: the second round worked from the fresh copy.
    expect(store.docs.get('userLimits/u1')?.data).toMatchObject({
      inFlight: { other: NOW + LEASE, c1: NOW + LEASE },
    });
  });

  it('the user document vanished under a cached copy (NOT_FOUND) -> re-read and create it', async () => {
    const store = new FakeStore();
    const claims = store.claims(LIMITS, () => NOW);
    const gone = store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: {} });
    claims.remember('u1', { tokens: 5, refilledAt: NOW, inFlight: {} }, asVersion(gone));
    store.docs.delete('userLimits/u1');
    const claim = await claims.claim(req, LEASE, 'c1');
    expect(claim).toMatchObject({ kind: 'claimed' });
    expect(store.commits).toBe(2);
    expect(store.docs.get('userLimits/u1')?.data).toMatchObject({ inFlight: { c1: NOW + LEASE } });
  });

  it('every round lost to the same user -> PAYMENT_USER_LIMITED user-in-flight, no payment written', async () => {
    const store = new FakeStore();
    store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: {} });
    store.beforeCommit = () => void store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: {} });
    const err = (await store
      .claims(LIMITS, () => NOW)
      .claim(req, LEASE, 'c1')
      .catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('PAYMENT_USER_LIMITED');
    expect(err.details).toEqual({ transactionId: 'tx-1', reason: 'user-in-flight', retryAfterMs: 250 });
    expect(store.commits).toBe(6);
    expect(store.docs.has('payments/tx-1')).toBe(false);
  });

  it('over a limit on a fresh read -> refused after one more read, nothing written', async () => {
    const store = new FakeStore();
    store.put('userLimits/u1', { tokens: 0, refilledAt: NOW, inFlight: {} });
    const err = (await store
      .claims(LIMITS, () => NOW)
      .claim(req, LEASE, 'c1')
      .catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('PAYMENT_USER_LIMITED');
    expect(err.details).toMatchObject({ reason: 'user-rate' });
    expect(store.commits).toBe(0);
    // read() caches what it read, so round 0 treats it as a cached copy and reads it once more.
    expect(store.reads).toEqual(['userLimits/u1', 'userLimits/u1']);
  });

  it('over a limit on a cached copy -> the copy is dropped and read again first', async () => {
    const store = new FakeStore();
    const version = store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: {} });
    const claims = store.claims(LIMITS, () => NOW);
    const full: UserLimitState = { tokens: 0, refilledAt: NOW, inFlight: {} };
    claims.remember('u1', full, asVersion(version));
    expect(await claims.claim(req, LEASE, 'c1')).toMatchObject({ kind: 'claimed' });
    expect(store.reads).toEqual(['userLimits/u1']);
  });

  it('over a limit on a cached copy and on the fresh read -> refused', async () => {
    const store = new FakeStore();
    const version = store.put('userLimits/u1', { tokens: 0, refilledAt: NOW, inFlight: {} });
    const claims = store.claims(LIMITS, () => NOW);
    claims.remember('u1', { tokens: 0, refilledAt: NOW, inFlight: {} }, asVersion(version));
    const err = (await claims.claim(req, LEASE, 'c1').catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('PAYMENT_USER_LIMITED');
    expect(store.reads).toEqual(['userLimits/u1']);
    expect(store.commits).toBe(0);
  });

  it('another Firestore error is not a lost round: it propagates', async () => {
    const store = new FakeStore();
    store.beforeCommit = () => {
      throw Object.assign(new Error('deadline'), { code: 4 });
    };
    await expect(store.claims(LIMITS, () => NOW).claim(req, LEASE, 'c1')).rejects.toThrow('deadline');
    expect(store.docs.size).toBe(0);
  });
});

describe('OptimisticClaims cache', () => {
  it('remember / cached / forget', () => {
    const claims = new FakeStore().claims(LIMITS, () => NOW);
    const state: UserLimitState = { tokens: 1, refilledAt: 2, inFlight: {} };
    expect(claims.cached('u1')).toBeUndefined();
    claims.remember('u1', state, asVersion({ seq: 3 }));
    expect(claims.cached('u1')).toEqual({ state, version: { seq: 3 } });
    claims.forget('u1');
    expect(claims.cached('u1')).toBeUndefined();
  });

  it('is bounded: the 10 001st user starts a fresh cache', () => {
    const claims = new FakeStore().claims(LIMITS, () => NOW);
    const state: UserLimitState = { tokens: 1, refilledAt: 2, inFlight: {} };
    for (let i = 0; i < 10_000; i++) claims.remember(`u${i}`, state, asVersion({ seq: i }));
    expect(claims.cached('u0')).toBeDefined();
    claims.remember('u-new', state, asVersion({ seq: 1 }));
    expect(claims.cached('u0')).toBeUndefined();
    expect(claims.cached('u9999')).toBeUndefined();
    expect(claims.cached('u-new')).toEqual({ state, version: { seq: 1 } });
  });
});

describe('OptimisticClaims.adopt (a sealed copy the caller brought back)', () => {
  const copy = (tokens: number) => ({ tokens, refilledAt: NOW, inFlight: {} }) as UserLimitState;

  it('takes the later of its own copy and the sealed one: update times of one document only grow', () => {
    const claims = new FakeStore().claims(LIMITS, () => NOW);
    claims.adopt('u1', copy(5), new Timestamp(100, 5));
    expect(claims.cached('u1')?.state).toEqual(copy(5));
    claims.adopt('u1', copy(9), new Timestamp(100, 4));
    expect(claims.cached('u1')?.state).toEqual(copy(5));
    claims.adopt('u1', copy(3), new Timestamp(100, 6));
    expect(claims.cached('u1')).toEqual({ state: copy(3), version: new Timestamp(100, 6) });
    claims.adopt('u1', copy(1), new Timestamp(101, 0));
    expect(claims.cached('u1')?.state).toEqual(copy(1));
  });
});
