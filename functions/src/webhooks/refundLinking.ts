/**
 * Which ledger record a Stripe refund belongs to: the record holding the
 * PaymentIntent it refunds, as for payments (intentLinking.ts), since the
 * money truth is the PaymentIntent's charge. Our refunds name the record in
 * their metadata (transactionId, refundId), so the record is read directly
 * and must hold that PaymentIntent; one that names a record it is foreign to
 * is logged and counted (`foreignIntents`) and then linked like a refund made
 * outside the product (the Dashboard: no metadata), by the record holding its
 * PaymentIntent (intentRecords.ts), under a refundId derived from Stripe's id.
 * A refund of a PaymentIntent no record holds is an orphan refund: logged at
 * ERROR and counted (`orphanRefunds`), never recorded. Counts are written
 * before the event is remembered (a failing count answers 500: counted at
 * least once).
 */
import type Stripe from 'stripe';
import { REFUND_ID_PATTERN, TRANSACTION_ID_PATTERN, type RefundSource } from '../api/index.js';
import type { PaymentLedger, PaymentRecord } from '../payments/ledger/paymentLedger.js';
import { externalRefundId } from '../payments/refunds/refundLedger.js';
import type { IntentRecords } from './intentRecords.js';
import type { WebhookEvents } from './webhookEvents.js';

/** What linking a refund found. */
export type RefundLink =
  | {
      kind: 'linked';
      transactionId: string;
      record: PaymentRecord;
      /** Ours: the refundId in its metadata; else derived from Stripe's id. */
      refundId: string;
      source: RefundSource;
    }
  | { kind: 'orphan-refund' };

/** What linking needs. */
export interface RefundLinkDeps {
  ledger: PaymentLedger;
  intents: IntentRecords;
  emit: WebhookEvents;
}

/** The id of a Stripe field that may be expanded. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/**
 * Finds the record `re` refunds and the refundId it is recorded under (see the
 * module comment); `report: false` skips logging and counting a foreign or orphan refund.
 */
export async function linkRefund(
  deps: RefundLinkDeps,
  re: Stripe.Refund,
  eventId: string,
  report = true,
): Promise<RefundLink> {
  const pi = idOf(re.payment_intent);
  const named = re.metadata?.transactionId;
  if (pi !== null && named && TRANSACTION_ID_PATTERN.test(named)) {
    const record = await deps.ledger.get(named);
    if (record?.providerRef === pi) {
      const ours = re.metadata?.refundId;
      return ours && REFUND_ID_PATTERN.test(ours)
        ? { kind: 'linked', transactionId: named, record, refundId: ours, source: 'callable' }
        : { kind: 'linked', transactionId: named, record, ...outside(re) };
    }
    if (record && report) {
      const reason = record.providerRef === undefined ? 'no-intent-stored' : 'other-intent';
      const fields = { transactionId: named, paymentIntent: pi, reason, eventId } as const;
      deps.emit({ type: 'stripe_webhook.foreign_intent', severity: 'ERROR', ...fields });
      await deps.ledger.countIncident('foreignIntents');
    }
  }
  if (pi !== null) {
    const holder = await deps.intents.transactionOf(pi);
    const record = holder === null ? null : await deps.ledger.get(holder);
    if (holder !== null && record?.providerRef === pi) {
      return { kind: 'linked', transactionId: holder, record, ...outside(re) };
    }
  }
  if (!report) return { kind: 'orphan-refund' };
  deps.emit({
    type: 'stripe_webhook.orphan_refund',
    severity: 'ERROR',
    refund: re.id,
    paymentIntent: pi ?? undefined,
    amount: re.amount,
    currency: re.currency,
    status: re.status,
    transactionId: named || undefined,
    eventId,
  });
  await deps.ledger.countIncident('orphanRefunds');
  return { kind: 'orphan-refund' };
}

/** A refund made outside the product: recorded under a refundId derived from Stripe's id. */
function outside(re: Stripe.Refund): { refundId: string; source: RefundSource } {
  return { refundId: externalRefundId('stripe', re.id), source: 'provider' };
}
