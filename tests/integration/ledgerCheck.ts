// Reconciles the provider's ledger (the simulator) against the Firestore ledger.
import { afterEach, beforeEach, expect } from 'vitest';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import type { RefundRecord } from '../../functions/src/payments/refunds/refundLedger.js';
import { adminDb } from './admin.js';
import { resetBreakers } from './breakers.js';
import type { Session } from './client.js';
import { ledger, refunds, setFaults } from './simulator.js';

/**
 * Every provider charge has a Firestore record with its charge id and status;
 * no record says succeeded/declined without a matching charge; no key was
 * charged twice. Records still `unknown`/`pending` may have a charge (that is
 * what those statuses mean) and are checked when they resolve. `prefix`
 * narrows the check to transactionIds that start with it, for a suite that may
 * run after others whose fixtures write records that stand for no charge.
 */
export async function expectLedgersAgree(prefix = ''): Promise<void> {
  const charges = (await ledger()).charges.filter((c) => c.transactionId.startsWith(prefix));
  const byTxn = new Map<string, (typeof charges)[number]>();
  for (const c of charges) {
    expect(byTxn.has(c.transactionId), `charged twice: ${c.transactionId}`).toBe(false);
    byTxn.set(c.transactionId, c);
  }
  const snap = await adminDb().collection('payments').get();
  const records = new Map(
    snap.docs.filter((d) => d.id.startsWith(prefix)).map((d) => [d.id, d.data() as PaymentRecord]),
  );
  for (const c of charges) {
    const r = records.get(c.transactionId);
    expect(r, `charge ${c.transactionId} has no ledger record`).toBeDefined();
    if (r!.status === 'unknown' || r!.status === 'pending') continue;
    expect({ txn: c.transactionId, status: r!.status, chargeId: r!.chargeId, amount: r!.amount }).toEqual({
      txn: c.transactionId,
      status: c.status,
      chargeId: c.id,
      amount: c.amount,
    });
  }
  for (const [id, r] of records) {
    if (r.status === 'succeeded' || r.status === 'declined') {
      expect(byTxn.get(id)?.id, `record ${id} says ${r.status} without a provider charge`).toBe(r.chargeId);
    }
    if (r.status === 'failed')
      expect(byTxn.has(id), `record ${id} says failed but the provider charged it`).toBe(false);
  }
  await expectRefundsAgree(prefix, records);
}

/**
 * The provider's refunds and the refund records agree: no refundId was
 * refunded twice; every provider refund has its record
 * (`payments/{transactionId}/refunds/{refundId}`) with the same amount and,
 * once the record is settled, the same status and provider id; no record says
 * succeeded (or pending at the provider) without the provider's refund, nor
 * failed while the provider refunded it; and a payment whose refunds are all
 * settled has `refundedAmount` equal to the provider's total of its succeeded
 * refunds. `unknown` records (and `pending` ones still claimed by a call) may
 * have a provider refund: that is what they mean.
 */
export async function expectRefundsAgree(prefix: string, payments: ReadonlyMap<string, PaymentRecord>): Promise<void> {
  const provider = (await refunds()).refunds.filter((r) => r.transactionId.startsWith(prefix));
  const byId = new Map<string, (typeof provider)[number]>();
  for (const r of provider) {
    expect(byId.has(r.refundId), `refunded twice: ${r.refundId}`).toBe(false);
    byId.set(r.refundId, r);
  }
  const snap = await adminDb().collectionGroup('refunds').get();
  const records = snap.docs.map((d) => d.data() as RefundRecord).filter((r) => r.transactionId.startsWith(prefix));
  const recordOf = new Map(records.map((r) => [`${r.transactionId}/${r.refundId}`, r]));
  const open = (r: RefundRecord) => r.status === 'unknown' || (r.status === 'pending' && r.providerRefundId === null);
  for (const p of provider) {
    const r = recordOf.get(`${p.transactionId}/${p.refundId}`);
    expect(r, `provider refund ${p.refundId} of ${p.transactionId} has no ledger record`).toBeDefined();
    expect(r!.amount, `refund ${p.refundId}: the ledger's amount`).toBe(p.amount);
    if (open(r!)) continue;
    expect({ refund: p.refundId, status: r!.status, providerRefundId: r!.providerRefundId }).toEqual({
      refund: p.refundId,
      status: p.status,
      providerRefundId: p.id,
    });
  }
  for (const r of records) {
    const p = byId.get(r.refundId);
    if (r.status === 'succeeded' || (r.status === 'pending' && r.providerRefundId !== null)) {
      expect(p?.id, `refund ${r.refundId} says ${r.status} without a provider refund`).toBe(r.providerRefundId);
    }
    if (r.status === 'failed' && p) expect(p.status, `refund ${r.refundId} says failed`).toBe('failed');
  }
  for (const [id, payment] of payments) {
    const mine = records.filter((r) => r.transactionId === id);
    if (mine.some(open)) continue;
    const total = provider.filter((p) => p.transactionId === id && p.status === 'succeeded');
    expect(payment.refundedAmount ?? 0, `refundedAmount of ${id}`).toBe(total.reduce((sum, p) => sum + p.amount, 0));
  }
}

/**
 * Hooks for a describe block of payment tests: each test starts with the
 * provider healthy and every breaker closed, and ends with faults off and the
 * two ledgers agreeing (for transactionIds starting with `prefix`: see expectLedgersAgree).
 */
export function eachTestFromACleanProvider(admin: () => Session, prefix = ''): void {
  beforeEach(async () => {
    await setFaults({ mode: 'none' });
    await resetBreakers(admin());
  });
  afterEach(async () => {
    await setFaults({ mode: 'none' });
    await expectLedgersAgree(prefix);
  });
}
