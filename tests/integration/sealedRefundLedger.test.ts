// The refund seal against the Firestore emulator: getPayment's sealed read
// (FirestoreRefundSeals: the payment and the admin's limits in one getAll) and
// FirestoreRefundLedger's sealed first round: a refund in two round trips, and
// a seal that is stale, reused, forged or another admin's never changes a decision.
import { afterAll, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { ISO_4217_MONEY } from '../../functions/src/payments/iso4217.js';
import { FirestoreRefundLedger } from '../../functions/src/payments/refunds/firestoreRefundLedger.js';
import { FirestoreRefundSeals } from '../../functions/src/payments/refunds/firestoreRefundSeals.js';
import type { RefundClaimRequest } from '../../functions/src/payments/refunds/refundLedger.js';
import { refundMoney } from '../../functions/src/payments/refunds/refundMoney.js';
import type { RunQuery } from '../../functions/src/resilience/query/runQuery.js';
import { adminDb } from './admin.js';
import { writeSucceededRecord } from './paymentRecords.js';

const OWNER = 'sealed-refund-ledger-test';
const ADMIN = `seal-admin-${Date.now()}`;
const OTHER_ADMIN = `${ADMIN}-2`;
const LEASE = 30_000;
const KEY = 'sealed-refund-ledger-test-key';
const LIMITS = { ratePerMin: 600, burst: 50, maxInFlight: 20 };

/** The ledger and the sealed reader on one counting runQuery: every Firestore round trip is named in `calls`. */
function counting(key: string = KEY) {
  const db = adminDb();
  const calls: string[] = [];
  const runQuery: RunQuery = (fn, name) => {
    calls.push(name);
    return fn(db);
  };
  const refunds = new FirestoreRefundLedger(runQuery, Date.now, LIMITS, () => key);
  const seals = new FirestoreRefundSeals(runQuery, () => key);
  return { refunds, seals, calls };
}

/** A succeeded payment of 100.00 USD, written as the payment path would leave it. */
const succeededPayment = (id: string) => writeSucceededRecord(id, OWNER);

const ask = (transactionId: string, refundId: string, amount: number, seal?: string, by = ADMIN) =>
  ({
    transactionId,
    refundId,
    amount,
    reason: null,
    requestedBy: by,
    money: refundMoney(ISO_4217_MONEY, 10_000),
    seal,
  }) satisfies RefundClaimRequest;

const totalsOf = async (id: string) => {
  const p = (await adminDb().doc(`payments/${id}`).get()).data() as PaymentRecord;
  return { refundedAmount: p.refundedAmount ?? 0, pendingRefundAmount: p.pendingRefundAmount ?? 0 };
};

/** The seal getPayment would hand `uid` for payment `id`. */
async function sealFor(seals: FirestoreRefundSeals, id: string, uid = ADMIN): Promise<string> {
  const { refundSeal } = await seals.readWithSeal(id, uid);
  if (!refundSeal) throw new Error('expected a refund seal');
  return refundSeal;
}

describe('FirestoreRefundLedger with a refund seal', () => {
  // These payments and refunds stand for no provider charge: left behind, they would fail the ledger checks of later files.
  afterAll(async () => {
    const db = adminDb();
    const mine = await db.collection('payments').where('uid', '==', OWNER).get();
    for (const d of mine.docs) {
      const refunds = await d.ref.collection('refunds').get();
      const events = await d.ref.collection('events').get();
      await Promise.all([...refunds.docs, ...events.docs].map((r) => r.ref.delete()));
      await d.ref.delete();
    }
    await Promise.all([ADMIN, OTHER_ADMIN].map((uid) => db.doc(`userLimits/${uid}`).delete()));
  });

  it('getPayment reads the payment and the limits in one round trip; the refund is then 2 round trips', async () => {
    const { refunds, seals, calls } = counting();
    const id = await succeededPayment(`sl_fast_${Date.now()}`);
    const read = await seals.readWithSeal(id, ADMIN);
    expect(calls).toEqual(['payments.getSealed']);
    expect(read.record).toMatchObject({ status: 'succeeded', amount: 10_000 });
    expect(read.refundSeal).toMatch(/^[A-Za-z0-9_-]+$/);
    calls.length = 0;
    const claim = await refunds.claimRefund(ask(id, 'r1', 25, read.refundSeal!), LEASE);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    expect(claim).toMatchObject({ fresh: true, totals: { refundedAmount: 0, pendingRefundAmount: 2500 } });
    expect(claim.version).not.toBeNull();
    const outcome = { status: 'succeeded', attempts: 1, openAttemptAt: null, providerRefundId: 're_1' } as const;
    const expected = { refund: claim.refund, version: claim.version, totals: claim.totals };
    expect(await refunds.finalizeRefund(id, 'r1', claim.claimId, outcome, expected)).toMatchObject({ written: true });
    expect(calls).toEqual(['refunds.claim', 'refunds.finalizeFast']);
    expect(await totalsOf(id)).toEqual({ refundedAmount: 2500, pendingRefundAmount: 0 });
    // The admin's spend was written with the claim (the limits document, created from the sealed absence).
    expect((await adminDb().doc(`userLimits/${ADMIN}`).get()).exists).toBe(true);
    // The same seal again (same refundId): the sealed commit fails, the read path replays (and spends, as every claim).
    calls.length = 0;
    expect(await refunds.claimRefund(ask(id, 'r1', 25, read.refundSeal!), LEASE)).toMatchObject({ kind: 'replay' });
    expect(calls).toEqual(['refunds.claim', 'refunds.read', 'refunds.claim']);
    expect((await refunds.listRefunds(id)).length).toBe(1);
  });

  it('hands out no seal for a payment with nothing left to refund, or one not succeeded', async () => {
    const { seals } = counting();
    const id = await succeededPayment(`sl_none_${Date.now()}`);
    await adminDb().doc(`payments/${id}`).update({ refundedAmount: 10_000 });
    expect(await seals.readWithSeal(id, ADMIN)).toMatchObject({ record: { refundedAmount: 10_000 }, refundSeal: null });
    await adminDb().doc(`payments/${id}`).update({ refundedAmount: 0, status: 'failed' });
    expect((await seals.readWithSeal(id, ADMIN)).refundSeal).toBeNull();
    expect(await seals.readWithSeal(`sl_missing_${Date.now()}`, ADMIN)).toEqual({ record: null, refundSeal: null });
  });

  it('a stale seal (another partial refund since) fails its precondition and decides on a fresh read', async () => {
    const { refunds, seals, calls } = counting();
    const id = await succeededPayment(`sl_stale_${Date.now()}`);
    const seal = await sealFor(seals, id);
    // Another partial refund of 70.00 between getPayment and this refund: 30.00 are left.
    expect(await refunds.claimRefund(ask(id, 'other', 70), LEASE)).toMatchObject({ kind: 'claimed' });
    calls.length = 0;
    // The sealed copy says 100.00 are left; the fresh read says 30.00: refused, nothing written.
    await expect(refunds.claimRefund(ask(id, 'r1', 40, seal), LEASE)).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_REFUNDABLE',
    });
    expect(calls[0]).toBe('refunds.claim');
    expect(calls).toContain('refunds.read');
    expect(await refunds.getRefund(id, 'r1')).toBeNull();
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 7000 });
    // What is left is still refunded with that stale seal, through the read.
    calls.length = 0;
    expect(await refunds.claimRefund(ask(id, 'r2', 30, seal), LEASE)).toMatchObject({ kind: 'claimed' });
    expect(calls).toEqual(['refunds.claim', 'refunds.read', 'refunds.claim']);
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 10_000 });
  });

  it('five concurrent refunds with the same seal never add up past the payment', async () => {
    const { refunds, seals } = counting();
    const id = await succeededPayment(`sl_race_${Date.now()}`);
    const seal = await sealFor(seals, id);
    const settled = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((r) => refunds.claimRefund(ask(id, r, 30, seal), LEASE)),
    );
    const claimed = settled.filter((s) => s.status === 'fulfilled').length;
    const reasons = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as { code: string }).code] : []));
    expect(claimed).toBeGreaterThanOrEqual(1);
    expect(claimed).toBeLessThanOrEqual(3);
    for (const code of reasons) expect(['REFUND_EXCEEDS_REFUNDABLE', 'REFUND_IN_PROGRESS']).toContain(code);
    const written = await refunds.listRefunds(id);
    expect(written.length).toBe(claimed);
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: claimed * 3000 });
  });

  it("ignores another admin's seal, a forged one and one under another key: the read path decides", async () => {
    const { refunds, seals, calls } = counting();
    const id = await succeededPayment(`sl_forged_${Date.now()}`);
    const others = await sealFor(seals, id, OTHER_ADMIN);
    const mine = await sealFor(seals, id);
    const flipped = Buffer.from(mine, 'base64url');
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    const otherKey = await sealFor(counting('another-seal-key').seals, id);
    for (const [k, seal] of [others, flipped.toString('base64url'), otherKey, 'not-a-seal'].entries()) {
      calls.length = 0;
      expect(await refunds.claimRefund(ask(id, `f${k}`, 10, seal), LEASE)).toMatchObject({ kind: 'claimed' });
      // The seal did not open: no sealed commit was tried, the claim read first.
      expect(calls, `seal ${k}`).toEqual(['refunds.read', 'refunds.claim']);
    }
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 4000 });
  });
});
