/** OptimisticClaims on records that exist: decideExisting, the spend of every repeat, ids this instance has seen. */
import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../api/index.js';
import type { AppError } from '../../resilience/appError.js';
import type { UserLimitState } from '../limits/userLimiter.js';
import { claimStep } from './ledgerRules.js';
import { decideExisting } from './optimisticClaim.js';
import { FakeStore } from '../testing/fakeClaimStore.js';
import type { PaymentRecord } from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { LEASE, LIMITS, NOW, req, stored } from '../testing/claimFixtures.js';

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

  it('a payment it created and settled succeeded itself: a replay reads nothing and spends once', async () => {
    const store = new FakeStore();
    const claims = store.claims(LIMITS, () => NOW);
    const claim = await claims.claim(req, LEASE, 'c1');
    const record = {
      ...(claim as { record: PaymentRecord }).record,
      status: PaymentStatus.succeeded,
      chargeId: 'ch_1',
    };
    claims.settled.settle(req.transactionId, 'c1', record);
    store.reads = [];
    const seen = await claims.claim(req, LEASE, 'c2');
    expect(seen).toEqual({ exists: record });
    expect(store.reads).toEqual([]);
    const commits = store.commits;
    expect(await claims.answerExisting(record, req, 'c2', LEASE)).toMatchObject({ kind: 'replay' });
    expect(store.commits).toBe(commits + 1);
    expect(store.reads).toEqual([]);
  });

  it('a payment it created but settled declined is read on a repeat (a late success may follow)', async () => {
    const store = new FakeStore();
    const claims = store.claims(LIMITS, () => NOW);
    const claim = await claims.claim(req, LEASE, 'c1');
    claims.settled.settle(req.transactionId, 'c1', {
      ...(claim as { record: PaymentRecord }).record,
      status: PaymentStatus.declined,
    });
    store.reads = [];
    await claims.claim(req, LEASE, 'c2');
    expect(store.reads).toEqual(['payments/tx-1']);
  });

  it('a seen id whose record is gone (deleted by an operator) is created again', async () => {
    const store = new FakeStore();
    const claims = store.claims(LIMITS, () => NOW);
    await claims.claim(req, LEASE, 'c1');
    store.docs.delete('payments/tx-1');
    expect(await claims.claim(req, LEASE, 'c2')).toMatchObject({ kind: 'claimed', claimId: 'c2' });
  });
});
