// Reconciles the Stripe fake's PaymentIntents against the Firestore ledger (Stripe mode).
import { expect } from 'vitest';
import type { PaymentIntent, Refund } from '../../devtools/stripe-fake/server.ts';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import type { RefundRecord } from '../../functions/src/payments/refunds/refundLedger.js';
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

/** The ledger's id of a Stripe refund of `transactionId`'s payment: ours from its metadata, else derived from Stripe's. */
function refundIdOf(re: Refund, transactionId: string): string {
  const ours = re.metadata.transactionId === transactionId ? re.metadata.refundId : undefined;
  return ours ?? `stripe-${re.id}`;
}

/**
 * Refunds: every Stripe refund of a PaymentIntent a record holds is in that
 * record's refunds (under our refundId, or one derived from Stripe's id) with
 * its amount, its `re_` id and its status (after the webhooks: a refund still
 * `unknown` in the ledger may be anything); no ledger refund says succeeded
 * or pending without its Stripe refund; each payment's `refundedAmount` is
 * the sum of its succeeded Stripe refunds, and Stripe's `amount_refunded`
 * (pending and succeeded) is `refundedAmount` plus the pending ones.
 */
export async function expectRefundsAgree(): Promise<void> {
  const { refunds, charges } = await fakeLedger();
  const snap = await adminDb().collection('payments').get();
  const byIntent = new Map<string, [string, PaymentRecord]>();
  for (const d of snap.docs) {
    const r = d.data() as PaymentRecord;
    if (r.providerRef) byIntent.set(r.providerRef, [d.id, r]);
  }
  const stripeByPayment = new Map<string, Refund[]>();
  for (const re of refunds) {
    const held = byIntent.get(re.payment_intent);
    if (!held) continue; // an orphan refund: the webhook records none
    stripeByPayment.set(held[0], [...(stripeByPayment.get(held[0]) ?? []), re]);
  }
  const ledgerByPayment = new Map<string, RefundRecord[]>();
  for (const d of (await adminDb().collectionGroup('refunds').get()).docs) {
    const r = d.data() as RefundRecord;
    ledgerByPayment.set(r.transactionId, [...(ledgerByPayment.get(r.transactionId) ?? []), r]);
  }
  for (const [txn, record] of byIntent.values()) {
    const ledger = ledgerByPayment.get(txn) ?? [];
    const stripe = stripeByPayment.get(txn) ?? [];
    for (const re of stripe) {
      const mine = ledger.find((r) => r.refundId === refundIdOf(re, txn));
      expect(mine, `${txn}: Stripe refund ${re.id} has no ledger refund`).toBeDefined();
      if (mine!.status === 'unknown') continue;
      expect({ txn, re: re.id, amount: mine!.amount, status: mine!.status, id: mine!.providerRefundId }).toEqual({
        txn,
        re: re.id,
        amount: re.amount,
        status: re.status,
        id: re.id,
      });
    }
    for (const r of ledger.filter((l) => l.status === 'succeeded' || l.status === 'pending')) {
      const at = stripe.find((re) => re.id === r.providerRefundId);
      expect(at, `${txn}/${r.refundId} says ${r.status} without a Stripe refund`).toBeDefined();
    }
    const sum = (status: Refund['status']) =>
      stripe.filter((re) => re.status === status).reduce((n, re) => n + re.amount, 0);
    expect({ txn, refunded: record.refundedAmount ?? 0 }).toEqual({ txn, refunded: sum('succeeded') });
    const charge = charges.find((c) => c.payment_intent === record.providerRef && c.status === 'succeeded');
    if (charge) {
      expect({ txn, amountRefunded: charge.amount_refunded }).toEqual({
        txn,
        amountRefunded: (record.refundedAmount ?? 0) + sum('pending'),
      });
    }
  }
}
