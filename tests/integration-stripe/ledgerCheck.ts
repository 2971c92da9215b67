// Reconciles the Stripe fake's PaymentIntents against the Firestore ledger (Stripe mode).
import { expect } from 'vitest';
import type { PaymentIntent } from '../../devtools/stripe-fake/server.ts';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { adminDb } from '../integration/admin.js';
import { fakeLedger } from './stripeFake.js';

/**
 * The ledger statuses a PaymentIntent in this state allows (null: nothing settled at Stripe yet). A canceled one
 * is `canceled`, or `declined` when the cancel followed a decline (its failed attempt is kept on the PaymentIntent).
 */
function expectedStatus(pi: PaymentIntent): PaymentRecord['status'][] | null {
  if (pi.status === 'succeeded') return ['succeeded'];
  if (pi.status === 'requires_action' || pi.status === 'processing') return [pi.status];
  if (pi.status === 'canceled') return pi.last_payment_error ? ['canceled', 'declined'] : ['canceled'];
  if (pi.status === 'requires_payment_method' && pi.last_payment_error) return ['requires_payment_method'];
  return null;
}

/** Statuses a record may have only beside its PaymentIntent. */
const NEEDS_INTENT = ['succeeded', 'declined', 'canceled', 'requires_action', 'requires_payment_method', 'processing'];

/**
 * Every PaymentIntent has at most one successful charge; one created outside
 * the product (the fake's control API) never settles the record it names
 * (the record holds neither its id nor its charge); each other that names a
 * transactionId (every one the backend creates) has a ledger record;
 * a record that names a PaymentIntent names this one; records and
 * PaymentIntents agree on the status (succeeded with the PaymentIntent's
 * latest charge and amount; requires_action / requires_payment_method /
 * processing; declined or canceled beside a canceled PaymentIntent); a
 * record says failed only for a PaymentIntent that moved no money and that
 * nobody but the backend can confirm (never beside one waiting for the
 * customer, whose client secret could still charge it); and no record says
 * succeeded, declined, canceled or waiting without a PaymentIntent.
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
      expect(['succeeded', 'processing', 'requires_action']).not.toContain(pi.status);
      expect(
        pi.status === 'requires_payment_method' && pi.last_payment_error !== null,
        `${txn}: failed beside a live intent`,
      ).toBe(false);
      continue;
    }
    expect({ txn, status: record!.status, pi: pi.status }).toEqual({
      txn,
      status: want?.includes(record!.status) ? record!.status : want,
      pi: pi.status,
    });
    if (record!.status === 'succeeded') {
      expect({ txn, chargeId: record!.chargeId, amount: record!.amount }).toEqual({
        txn,
        chargeId: pi.latest_charge,
        amount: pi.amount,
      });
    }
  }
  for (const [id, r] of records) {
    if (NEEDS_INTENT.includes(r.status)) {
      expect(
        r.providerRef && intentById.has(r.providerRef),
        `record ${id} says ${r.status} without a PaymentIntent`,
      ).toBe(true);
    }
  }
}
