// FirestoreRefundLedger against the Firestore emulator: the rules of the memory
// refund ledger, the payment's totals in the same commit as the refund's status,
// and the round trips of a refund's happy path.
import { afterAll, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { ISO_4217_MONEY } from '../../functions/src/payments/iso4217.js';
import { FirestoreRefundLedger } from '../../functions/src/payments/refunds/firestoreRefundLedger.js';
import type { RefundClaimRequest } from '../../functions/src/payments/refunds/refundLedger.js';
import { refundMoney } from '../../functions/src/payments/refunds/refundMoney.js';
import type { RunQuery } from '../../functions/src/resilience/query/runQuery.js';
import { adminDb } from './admin.js';
import { writeSucceededRecord } from './paymentRecords.js';

const UID = 'refund-ledger-test';
const LEASE = 30_000;

/** A FirestoreRefundLedger whose every Firestore round trip is named in `calls`. */
function countingLedger(limits?: { ratePerMin: number; burst: number; maxInFlight: number }) {
  const db = adminDb();
  const calls: string[] = [];
  const runQuery: RunQuery = (fn, name) => {
    calls.push(name);
    return fn(db);
  };
  return { refunds: new FirestoreRefundLedger(runQuery, Date.now, limits), calls, db };
}

/** A succeeded payment of 100.00 USD, written as the payment path would leave it. */
const succeededPayment = (id: string) => writeSucceededRecord(id, UID);

const ask = (transactionId: string, refundId: string, amount?: number): RefundClaimRequest => ({
  transactionId,
  refundId,
  amount,
  reason: null,
  requestedBy: 'admin-1',
  money: refundMoney(ISO_4217_MONEY, 10_000),
});

const totalsOf = async (id: string) => {
  const p = (await adminDb().doc(`payments/${id}`).get()).data() as PaymentRecord;
  return { refundedAmount: p.refundedAmount ?? 0, pendingRefundAmount: p.pendingRefundAmount ?? 0 };
};

describe('FirestoreRefundLedger', () => {
  // These payments and refunds stand for no provider charge: left behind, they would fail the ledger checks of later files.
  afterAll(async () => {
    const db = adminDb();
    const mine = await db.collection('payments').where('uid', '==', UID).get();
    for (const d of mine.docs) {
      const refunds = await d.ref.collection('refunds').get();
      await Promise.all(refunds.docs.map((r) => r.ref.delete()));
      await d.ref.delete();
    }
    await db.doc(`userLimits/admin-1`).delete();
  });

  it('happy path: one read and the write-ahead commit, then the outcome in one conditional commit (3 round trips)', async () => {
    const { refunds, calls } = countingLedger();
    const id = await succeededPayment(`rl_fast_${Date.now()}`);
    const claim = await refunds.claimRefund(ask(id, 'r1', 25), LEASE);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    expect(calls).toEqual(['refunds.read', 'refunds.claim']);
    expect(claim.version).not.toBeNull();
    // Written ahead: the refund pending, its amount pending on the payment, in one commit.
    expect(await refunds.getRefund(id, 'r1')).toMatchObject({
      status: 'pending',
      amount: 2500,
      claimId: claim.claimId,
    });
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 2500 });
    calls.length = 0;
    const outcome = { status: 'succeeded', attempts: 1, openAttemptAt: null, providerRefundId: 're_1' } as const;
    const expected = { refund: claim.refund, version: claim.version, totals: claim.totals };
    const r = await refunds.finalizeRefund(id, 'r1', claim.claimId, outcome, expected);
    expect(calls).toEqual(['refunds.finalizeFast']);
    expect(r).toMatchObject({ written: true, totals: { refundedAmount: 2500, pendingRefundAmount: 0 } });
    expect(await totalsOf(id)).toEqual({ refundedAmount: 2500, pendingRefundAmount: 0 });
    expect(await refunds.claimRefund(ask(id, 'r1', 25), LEASE)).toMatchObject({ kind: 'replay' });
  });

  it('falls back to read-then-commit when the refund changed since the claim, and writes nothing without the claim', async () => {
    const { refunds, calls } = countingLedger();
    const id = await succeededPayment(`rl_changed_${Date.now()}`);
    const claim = await refunds.claimRefund(ask(id, 'r1', 10), LEASE);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    // The provider's word arrives first (a webhook): it settles the refund and ends the claim.
    const pr = {
      providerRefundId: 're_1',
      refundId: 'r1',
      status: 'succeeded',
      amount: 1000,
      currency: 'USD',
    } as const;
    expect(await refunds.recordProviderRefund(id, pr, 'callable')).toMatchObject({
      written: true,
      refundedAmount: 1000,
    });
    calls.length = 0;
    const outcome = { status: 'unknown', attempts: 1, openAttemptAt: Date.now() } as const;
    const r = await refunds.finalizeRefund(id, 'r1', claim.claimId, outcome, {
      refund: claim.refund,
      version: claim.version,
      totals: claim.totals,
    });
    expect(calls).toEqual(['refunds.finalizeFast', 'refunds.read']);
    expect(r).toMatchObject({ written: false, claimLost: true, refund: { status: 'succeeded' } });
    expect(await totalsOf(id)).toEqual({ refundedAmount: 1000, pendingRefundAmount: 0 });
  });

  it('never lets concurrent claims of one payment add up to more than its amount', async () => {
    const { refunds } = countingLedger();
    const id = await succeededPayment(`rl_race_${Date.now()}`);
    const settled = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((r) => refunds.claimRefund(ask(id, r, 30), LEASE)),
    );
    const claimed = settled.filter((s) => s.status === 'fulfilled').length;
    const reasons = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as { code: string }).code] : []));
    expect(claimed).toBeLessThanOrEqual(3);
    expect(claimed).toBeGreaterThanOrEqual(1);
    for (const code of reasons) expect(['REFUND_EXCEEDS_REFUNDABLE', 'REFUND_IN_PROGRESS']).toContain(code);
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: claimed * 3000 });
    expect((await refunds.listRefunds(id)).length).toBe(claimed);
  });

  it('records a refund made outside the product and one that fails later, keeping the totals; replays change nothing', async () => {
    const { refunds } = countingLedger();
    const id = await succeededPayment(`rl_outside_${Date.now()}`);
    const pr = { providerRefundId: 're_9', refundId: 'stripe-re_9', amount: 4000, currency: 'USD' };
    expect(await refunds.recordProviderRefund(id, { ...pr, status: 'pending' }, 'provider')).toMatchObject({
      written: true,
      previous: null,
      pendingRefundAmount: 4000,
    });
    expect((await refunds.recordProviderRefund(id, { ...pr, status: 'succeeded' }, 'provider')).written).toBe(true);
    expect((await refunds.recordProviderRefund(id, { ...pr, status: 'pending' }, 'provider')).written).toBe(false);
    expect(await totalsOf(id)).toEqual({ refundedAmount: 4000, pendingRefundAmount: 0 });
    expect((await refunds.recordProviderRefund(id, { ...pr, status: 'failed' }, 'provider')).written).toBe(true);
    expect((await refunds.recordProviderRefund(id, { ...pr, status: 'failed' }, 'provider')).written).toBe(false);
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    expect(await refunds.listRefunds(id)).toMatchObject([
      { refundId: 'stripe-re_9', source: 'provider', status: 'failed' },
    ]);
  });

  it('scans unknown refunds across payments (collection group), claims them once, and counts them', async () => {
    const { refunds } = countingLedger();
    const id = await succeededPayment(`rl_scan_${Date.now()}`);
    const claim = await refunds.claimRefund(ask(id, 'u1', 5), LEASE);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await refunds.finalizeRefund(id, 'u1', claim.claimId, {
      status: 'unknown',
      attempts: 1,
      openAttemptAt: Date.now(),
    });
    const before = Date.now() + 1;
    const page = (await refunds.scanRefunds({ status: 'unknown', before, limit: 500 })).filter(
      (u) => u.transactionId === id,
    );
    expect(page.map((u) => u.refundId)).toEqual(['u1']);
    const health = await refunds.refundHealth(Date.now());
    expect(health.unknownRefunds).toBeGreaterThanOrEqual(1);
    const first = await refunds.claimRefundForResolution(id, 'u1', LEASE, page[0]!.refund.updatedAt);
    expect(first?.refund.status).toBe('unknown');
    expect(await refunds.claimRefundForResolution(id, 'u1', LEASE, page[0]!.refund.updatedAt)).toBeNull();
    expect((await refunds.refundHealth(Date.now())).unknownRefunds).toBe(health.unknownRefunds - 1);
  });

  it('spends from the admin’s limits in the same commit, a refusal included', async () => {
    const { refunds, db } = countingLedger({ ratePerMin: 60, burst: 2, maxInFlight: 5 });
    await db.doc('userLimits/admin-1').delete();
    const id = await succeededPayment(`rl_limits_${Date.now()}`);
    await refunds.claimRefund(ask(id, 'a', 1), LEASE);
    await expect(refunds.claimRefund(ask(id, 'a', 2), LEASE)).rejects.toMatchObject({ code: 'REFUND_CONFLICT' });
    await expect(refunds.claimRefund(ask(id, 'b', 1), LEASE)).rejects.toMatchObject({ code: 'PAYMENT_USER_LIMITED' });
    expect(await refunds.getRefund(id, 'b')).toBeNull();
  });
});
