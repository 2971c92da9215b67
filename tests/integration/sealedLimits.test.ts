// Sealed reads of a user's limits (payments/ledger/limitSeals.ts) against the Firestore emulator: a
// user's first payment on an instance that has the previous answer's seal is the claim's commit and the
// outcome's commit; a seal from before never lets an over-limit call through. And through the callable.
import { afterAll, describe, expect, it } from 'vitest';
import { PAYMENT_SEAL_MAX_LENGTH } from '../../functions/src/api/index.js';
import { FirestoreLedger } from '../../functions/src/payments/ledger/firestoreLedger.js';
import { LimitSeals } from '../../functions/src/payments/ledger/limitSeals.js';
import type { PaymentRequest } from '../../functions/src/payments/paymentRequest.js';
import type { RunQuery } from '../../functions/src/resilience/query/runQuery.js';
import { adminDb } from './admin.js';
import { session } from './client.js';

const KEY = 'integration-seal-key-0123456789';
const LIMITS = { ratePerMin: 30, burst: 2, maxInFlight: 3 };
const RUN = `seal_${Date.now()}`;
/** The payments the ledger tests wrote: no provider charge stands behind them. */
const written: string[] = [];

/** `token` with one character in its header changed: it no longer opens. */
const altered = (token: string) => `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;

/** One instance: its own FirestoreLedger (its own copies of users' limits) and seals; every Firestore call named in `calls`. */
function instance() {
  const db = adminDb();
  const calls: string[] = [];
  const runQuery: RunQuery = (fn, name) => {
    calls.push(name);
    return fn(db);
  };
  const ledger = new FirestoreLedger(runQuery, Date.now, LIMITS);
  return { ledger, seals: new LimitSeals(() => KEY, ledger.limitCopies!), calls };
}
type Instance = ReturnType<typeof instance>;

const request = (uid: string, n: number): PaymentRequest => ({
  transactionId: `${RUN}_${uid}_${n}`,
  uid,
  amount: 500,
  currency: 'USD',
  paymentMethod: 'credit_card',
});

/** A happy payment's ledger work on `inst` (its claim, then its outcome), with the Firestore calls it made. */
async function pay(inst: Instance, uid: string, n: number): Promise<string[]> {
  const mark = inst.calls.length;
  written.push(request(uid, n).transactionId);
  const claim = await inst.ledger.claim(request(uid, n), 30_000);
  if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
  const outcome = { status: 'succeeded' as const, attempts: 1, chargeId: `ch_${n}` };
  const done = await inst.ledger.finalize(request(uid, n).transactionId, claim.claimId, outcome, claim);
  expect(done.written).toBe(true);
  return inst.calls.slice(mark);
}

describe('sealed reads of the user limits, on FirestoreLedger', () => {
  // These records stand for no provider charge: left behind, they would fail the ledger check of any file after this one.
  afterAll(async () => {
    await Promise.all(written.map((id) => adminDb().doc(`payments/${id}`).delete()));
  });

  it("a user's first payment on a new instance carrying the last answer's seal: 2 round trips (3 without)", async () => {
    const uid = `${RUN}_first`;
    const a = instance();
    expect(await pay(a, uid, 1)).toEqual(['ledger.userLimits', 'payments.create', 'payments.finalizeFast']);
    const seal = a.seals.issue(uid);
    expect(seal).toEqual(expect.any(String));
    expect(seal!.length).toBeLessThanOrEqual(PAYMENT_SEAL_MAX_LENGTH);
    const b = instance();
    b.seals.open(uid, seal!);
    expect(await pay(b, uid, 2)).toEqual(['payments.create', 'payments.finalizeFast']);
    // The copy was exact: two tokens spent, no slot left held.
    const limits = (await adminDb().doc(`userLimits/${uid}`).get()).data();
    expect(limits).toMatchObject({ inFlight: {} });
    expect(limits!.tokens as number).toBeLessThan(1);
  });

  it('a replay of a success this instance made: one round trip (the spend), the stored record answered', async () => {
    const uid = `${RUN}_replay`;
    const a = instance();
    await pay(a, uid, 1);
    const mark = a.calls.length;
    const replay = await a.ledger.claim(request(uid, 1), 30_000);
    expect(replay).toMatchObject({ kind: 'replay', record: { status: 'succeeded', chargeId: 'ch_1' } });
    expect(a.calls.slice(mark)).toEqual(['ledger.userSpend']);
    // What it answered is what is stored.
    const stored = (
      await adminDb()
        .doc(`payments/${request(uid, 1).transactionId}`)
        .get()
    ).data() as Record<string, unknown>;
    const { status, chargeId, attempts, amount } = stored;
    expect((replay as { record: unknown }).record).toMatchObject({ status, chargeId, attempts, amount });
  });

  it('a seal from before the user ran out: refused after one re-read, nothing written', async () => {
    const uid = `${RUN}_spent`;
    const a = instance();
    await pay(a, uid, 1);
    const before = a.seals.issue(uid)!;
    await pay(a, uid, 2); // burst 2: the bucket is empty now
    const b = instance();
    b.seals.open(uid, before);
    const err = await b.ledger.claim(request(uid, 3), 30_000).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_USER_LIMITED', details: { reason: 'user-rate' } });
    // The claim on the sealed copy failed its precondition; the fresh read refused.
    expect(b.calls).toEqual(['payments.create', 'ledger.userLimits']);
    expect(
      (
        await adminDb()
          .doc(`payments/${request(uid, 3).transactionId}`)
          .get()
      ).exists,
    ).toBe(false);
  });

  it("a seal of another user, or an altered one, is ignored: the instance reads the user's limits", async () => {
    const [uid, other] = [`${RUN}_own`, `${RUN}_other`];
    const a = instance();
    await pay(a, other, 1);
    const othersSeal = a.seals.issue(other)!;
    for (const [n, seal] of [othersSeal, altered(othersSeal)].entries()) {
      const b = instance();
      b.seals.open(uid, seal);
      b.seals.open(other, altered(othersSeal));
      expect(await pay(b, n === 0 ? uid : other, 10 + n)).toEqual([
        'ledger.userLimits',
        'payments.create',
        'payments.finalizeFast',
      ]);
    }
  });
});

describe('processPayment seals', () => {
  it('answers a seal that the next call may carry; an altered one is ignored, an oversized one refused', async () => {
    const user = await session('new');
    const pay = (n: number, seal?: string) =>
      user.call<{ status: string; seal?: string }>('processPayment', {
        amount: 2,
        paymentMethod: 'credit_card',
        transactionId: `${RUN}_cl_${n}`,
        ...(seal === undefined ? {} : { seal }),
      });
    const first = await pay(1);
    expect(first.status).toBe('succeeded');
    expect(first.seal).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.seal).not.toContain(user.uid!);
    const second = await pay(2, first.seal);
    expect(second.status).toBe('succeeded');
    expect(second.seal).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second.seal).not.toBe(first.seal);
    expect(await pay(3, altered(second.seal!))).toMatchObject({ status: 'succeeded' });
    const oversized = { amount: 2, paymentMethod: 'credit_card', seal: 'x'.repeat(PAYMENT_SEAL_MAX_LENGTH + 1) };
    expect(await user.codeOf('processPayment', oversized)).toBe('invalid-argument');
    await user.close();
  });
});
