// Reconciles the Stripe fake's PaymentIntents against the Firestore ledger (Stripe mode).
import { expect } from 'vitest';
import type { PaymentIntent } from '../../devtools/stripe-fake/server.ts';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { adminDb } from '../integration/admin.js';
import { fakeLedger } from './stripeFake.js';

/** The ledger status a PaymentIntent in this state must have (null: nothing settled at Stripe yet). */
function expectedStatus(pi: PaymentIntent): PaymentRecord['status'] | null {
  if (pi.status === 'succeeded') return 'succeeded';
  if (pi.status === 'requires_action' || pi.status === 'processing') return pi.status;
  if (pi.status === 'canceled') return 'declined';
  if (pi.status === 'requires_payment_method' && pi.last_payment_error) return 'declined';
  return null;
}

/**
 * Every PaymentIntent has at most one successful charge; one created outside
 * the product (the fake's control API) never settles the record it names
 * (the record holds neither its id nor its charge); each other that names a
 * transactionId (every one the backend creates) has a ledger record;
 * a record that names a PaymentIntent names this one; records and
 * PaymentIntents agree on the status (succeeded with the PaymentIntent's
 * latest charge and amount; requires_action / processing; declined); a
 * record says failed only for a PaymentIntent that moved no money, canceled
 * only for a canceled one; and no
 * record says succeeded, declined or waiting without a PaymentIntent.
 * Records still `unknown` / `pending` may be anything (that is what they mean).
 */
export async function expectLedgersAgree(): Promise<void> {
  const { paymentIntents, charges, outsidePaymentIntents } = await fakeLedger();
  const outside = new Set(outsidePaymentIntents);
  const snap = await adminDb().collection('payments').get();
  const records = new Map(snap.docs.map((d) => [d.id, d.data() as PaymentRecord]));
  const intentById = new Map(paymentIntents.map((pi) => [pi.id, pi]));
  for (const pi of paymentIntents) {
    const paid = charges.filter((c) => c.payment_intent === pi.id && c.status === 'succeeded');
    expect(paid.length, `${pi.id} charged twice`).toBeLessThanOrEqual(1);
    const txn = pi.metadata.transactionId;
    if (outside.has(pi.id)) {
      const named = txn === undefined ? undefined : records.get(txn);
      expect(named?.providerRef, `${txn} holds ${pi.id}, made outside the product`).not.toBe(pi.id);
      if (named && pi.latest_charge) expect(named.chargeId, `${txn}: an outside charge`).not.toBe(pi.latest_charge);
      continue;
    }
    if (txn === undefined) continue; // another Stripe client's (the backend names every PaymentIntent it creates)
    const record = records.get(txn);
    expect(record, `${pi.id} (${txn}) has no ledger record`).toBeDefined();
    if (record!.providerRef !== undefined) expect(record!.providerRef, `${txn}: providerRef`).toBe(pi.id);
    if (record!.status === 'pending' || record!.status === 'unknown') continue;
    const want = expectedStatus(pi);
    if (record!.status === 'canceled') {
      // Canceled by cancelPayment: only after Stripe canceled the PaymentIntent, which then never moved money.
      expect({ txn, pi: pi.status, paid: paid.length }).toEqual({ txn, pi: 'canceled', paid: 0 });
      continue;
    }
    if (record!.status === 'failed') {
      expect({ txn, pi: pi.status, paid: paid.length }).toEqual({ txn, pi: pi.status, paid: 0 });
      expect(['succeeded', 'processing']).not.toContain(pi.status);
      continue;
    }
    expect({ txn, status: record!.status }).toEqual({ txn, status: want });
    if (want === 'succeeded') {
      expect({ txn, chargeId: record!.chargeId, amount: record!.amount }).toEqual({
        txn,
        chargeId: pi.latest_charge,
        amount: pi.amount,
      });
    }
  }
  for (const [id, r] of records) {
    if (['succeeded', 'declined', 'requires_action', 'processing'].includes(r.status)) {
      expect(
        r.providerRef && intentById.has(r.providerRef),
        `record ${id} says ${r.status} without a PaymentIntent`,
      ).toBe(true);
    }
  }
}
