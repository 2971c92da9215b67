import type { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../api/index.js';
import type { AppError } from '../../resilience/appError.js';
import type { UserLimitState } from '../limits/userLimiter.js';
import { claimStep } from './ledgerRules.js';
import { decideExisting } from './optimisticClaim.js';
import { FakeStore, type Version } from '../testing/fakeClaimStore.js';
import { requestHash, type PaymentRecord } from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';

const NOW = 5_000_000;
const LEASE = 30_000;
const LIMITS = { ratePerMin: 600, burst: 5, maxInFlight: 2 };
const req: PaymentRequest = {
  transactionId: 'tx-1',
  uid: 'u1',
  amount: 500,
  currency: 'USD',
  paymentMethod: 'credit_card',
};

const asVersion = (v: Version) => v as unknown as Timestamp;

const stored = (over: Partial<PaymentRecord> = {}): PaymentRecord => ({
  uid: 'u1',
  amount: 500,
  currency: 'USD',
  paymentMethod: 'credit_card',
  status: PaymentStatus.succeeded,
  attempts: 1,
  requestHash: requestHash(req),
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

describe('OptimisticClaims.claim', () => {
  it('a first payment of a new user: one read, one batch creating both documents', async () => {
    const store = new FakeStore();
    const claim = await store.claims(LIMITS, () => NOW).claim(req, LEASE, 'c1');
    expect(claim).toMatchObject({ kind: 'claimed', claimId: 'c1', resolveFirst: false, settleFrom: null });
    expect(claim && 'kind' in claim && claim.kind === 'claimed' && claim.version).toEqual({ seq: 2 });
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

describe('decideExisting', () => {
  // The plain-read decision is the claim rule on the stored record: same inputs, same decision.
  const table: [string, PaymentRecord, PaymentRequest, string][] = [
    ['final -> replay', stored(), req, 'replay'],
    ['failed -> claimed', stored({ status: PaymentStatus.failed }), req, 'claimed'],
    ['another user -> PAYMENT_FORBIDDEN', stored(), { ...req, uid: 'u2' }, 'PAYMENT_FORBIDDEN'],
    ['other amount -> PAYMENT_CONFLICT', stored(), { ...req, amount: 501 }, 'PAYMENT_CONFLICT'],
    [
      'live pending -> PAYMENT_IN_PROGRESS',
      stored({ status: PaymentStatus.pending, claimId: 'c0', leaseUntil: NOW + 1 }),
      req,
      'PAYMENT_IN_PROGRESS',
    ],
  ];
  it.each(table)('%s', (_name, existing, request, expected) => {
    let got: string;
    try {
      const step = decideExisting(existing, request, 'c1', NOW, LEASE);
      expect(step).toEqual(claimStep(existing, request, 'c1', NOW, LEASE));
      got = step.result.kind;
    } catch (err) {
      got = (err as AppError).code;
    }
    expect(got).toBe(expected);
  });

  it("spend: one conditional write of the user's limits, no slot held; over the limit, refused with nothing written", async () => {
    const store = new FakeStore();
    store.put('userLimits/u1', { tokens: 1, refilledAt: NOW, inFlight: {} });
    const claims = store.claims(LIMITS, () => NOW);
    await claims.spend(req, 'c1');
    expect(store.docs.get('userLimits/u1')?.data).toEqual({ tokens: 0, refilledAt: NOW, inFlight: {} });
    const commits = store.commits;
    await expect(claims.spend(req, 'c2')).rejects.toMatchObject({
      code: 'PAYMENT_USER_LIMITED',
      details: { reason: 'user-rate' },
    });
    // The cached copy was re-read once before refusing; nothing more was written.
    expect(store.commits).toBe(commits);
    expect(store.reads).toEqual(['userLimits/u1', 'userLimits/u1']);
  });

  it('spend: a concurrent change of the limits (FAILED_PRECONDITION) -> re-read and spend again', async () => {
    const store = new FakeStore();
    store.put('userLimits/u1', { tokens: 5, refilledAt: NOW, inFlight: {} });
    store.beforeCommit = () => {
      store.beforeCommit = null;
      store.put('userLimits/u1', { tokens: 3, refilledAt: NOW, inFlight: {} });
    };
    await store.claims(LIMITS, () => NOW).spend(req, 'c1');
    expect(store.commits).toBe(2);
    expect(store.docs.get('userLimits/u1')?.data).toMatchObject({ tokens: 2 });
  });
});

describe('OptimisticClaims.answerExisting: every repeat spends before it is answered', () => {
  const spentOne = { tokens: 4, refilledAt: NOW, inFlight: {} };
  const withUser = (tokens = 5) => {
    const store = new FakeStore();
    store.put('userLimits/u1', { tokens, refilledAt: NOW, inFlight: {} });
    return store;
  };

  it("the caller's own replay: one conditional write of its limits, then the replay", async () => {
    const store = withUser();
    const answer = await store.claims(LIMITS, () => NOW).answerExisting(stored(), req, 'c1', LEASE);
    expect(answer).toEqual({ kind: 'replay', record: stored() });
    expect(store.docs.get('userLimits/u1')?.data).toEqual(spentOne);
    expect(store.commits).toBe(1);
  });

  it.each([
    ['other parameters', stored(), { ...req, amount: 501 }, 'PAYMENT_CONFLICT'],
    [
      'a call in progress',
      stored({ status: PaymentStatus.pending, claimId: 'c0', leaseUntil: NOW + 1 }),
      req,
      'PAYMENT_IN_PROGRESS',
    ],
    ["another user's id", stored({ uid: 'u2' }), req, 'PAYMENT_FORBIDDEN'],
  ] as const)('%s: refused after spending one token', async (_name, existing, request, code) => {
    const store = withUser();
    const claims = store.claims(LIMITS, () => NOW);
    await expect(claims.answerExisting(existing, request, 'c1', LEASE)).rejects.toMatchObject({ code });
    expect(store.docs.get('userLimits/u1')?.data).toEqual(spentOne);
  });

  it('past the burst: PAYMENT_USER_LIMITED whatever the record says, nothing written', async () => {
    const store = withUser(0);
    const claims = store.claims(LIMITS, () => NOW);
    for (const existing of [stored(), stored({ uid: 'u2' }), stored({ amount: 1 })]) {
      await expect(claims.answerExisting(existing, req, 'c1', LEASE)).rejects.toMatchObject({
        code: 'PAYMENT_USER_LIMITED',
        details: { reason: 'user-rate' },
      });
    }
    expect(store.commits).toBe(0);
  });

  it('a record to claim again (failed) -> null, nothing spent here (the transaction spends)', async () => {
    const store = withUser();
    const claims = store.claims(LIMITS, () => NOW);
    expect(await claims.answerExisting(stored({ status: PaymentStatus.failed }), req, 'c1', LEASE)).toBeNull();
    expect(store.commits).toBe(0);
  });

  it('our own create whose answer was lost -> the claim, not spent twice', async () => {
    const store = withUser();
    const mine = stored({ status: PaymentStatus.pending, claimId: 'c1', leaseUntil: NOW + LEASE });
    const answer = await store.claims(LIMITS, () => NOW).answerExisting(mine, req, 'c1', LEASE);
    expect(answer).toMatchObject({ kind: 'claimed', claimId: 'c1' });
    expect(store.commits).toBe(0);
  });

  it('lost to other writes of the user twice -> written blind under `spent`, never refused for it', async () => {
    const store = withUser();
    let others = 0;
    store.beforeCommit = () => void (others++ < 2 && store.put('userLimits/u1', { ...spentOne, tokens: 5 }));
    const claims = store.claims(LIMITS, () => NOW);
    await expect(claims.answerExisting(stored(), { ...req, amount: 501 }, 'c1', LEASE)).rejects.toMatchObject({
      code: 'PAYMENT_CONFLICT',
    });
    expect(store.docs.get('userLimits/u1')?.data).toEqual({
      tokens: 5,
      refilledAt: NOW,
      inFlight: {},
      spent: { c1: NOW },
    });
    expect(store.commits).toBe(3);
    expect(claims.cached('u1')).toBeUndefined();
    // The next claim reads the spend, counts it, and folds it into the bucket (no `spent` left to count twice).
    store.beforeCommit = null;
    await claims.claim({ ...req, transactionId: 'tx-2' }, LEASE, 'c2');
    expect(store.docs.get('userLimits/u1')?.data).toEqual({
      tokens: 3,
      refilledAt: NOW,
      inFlight: { c2: NOW + LEASE },
      spent: {},
    });
  });

  it('20 concurrent repeats of one id, each losing to the others: all answered, each spent once', async () => {
    const store = withUser(100);
    // Twenty instances (caches of their own), loose enough limits that none is refused for them.
    const loose = { ratePerMin: 600, burst: 100, maxInFlight: 20 };
    const inProgress = stored({ status: PaymentStatus.pending, claimId: 'c0', leaseUntil: NOW + LEASE });
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store
          .claims(loose, () => NOW)
          .answerExisting(inProgress, req, `c${i + 1}`, LEASE)
          .catch((e: AppError) => e.code),
      ),
    );
    expect(codes).toEqual(Array<string>(20).fill('PAYMENT_IN_PROGRESS'));
    const state = store.docs.get('userLimits/u1')!.data as unknown as UserLimitState;
    const spent = Object.keys(state.spent ?? {}).length;
    expect(state.tokens - spent).toBe(80);
  });
});

describe('OptimisticClaims.claim on a transactionId this instance has seen', () => {
  it('reads the payment first: a repeat costs that read, no refused create', async () => {
    const store = new FakeStore();
    const claims = store.claims(LIMITS, () => NOW);
    await claims.claim(req, LEASE, 'c1');
    const commits = store.commits;
    store.reads = [];
    expect(await claims.claim(req, LEASE, 'c2')).toMatchObject({ exists: { claimId: 'c1' } });
    expect(store.reads).toEqual(['payments/tx-1']);
    expect(store.commits).toBe(commits);
  });

  it('a seen id whose record is gone (deleted by an operator) is created again', async () => {
    const store = new FakeStore();
    const claims = store.claims(LIMITS, () => NOW);
    await claims.claim(req, LEASE, 'c1');
    store.docs.delete('payments/tx-1');
    expect(await claims.claim(req, LEASE, 'c2')).toMatchObject({ kind: 'claimed', claimId: 'c2' });
  });
});
