/**
 * What a Stripe refund event does to the refund ledger: `refund.created`,
 * `refund.updated` and `refund.failed` carry one refund, `charge.refunded`
 * the charge with (in API versions before 2022-11-15, and from the Stripe
 * fake) its refunds. Each refund is linked to the record holding its
 * PaymentIntent (refundLinking.ts) and written as the provider's truth
 * through RefundLedger.recordProviderRefund, which creates a refund made
 * outside the product, moves pending -> succeeded/failed and succeeded ->
 * failed, never out of failed and never back to pending, with the payment's
 * `refundedAmount` and `pendingRefundAmount` in the same commit: a duplicated
 * or out-of-order delivery changes nothing wrong, and `refundedAmount` follows
 * Stripe's `amount_refunded`. A refund whose amount or currency is not the
 * record's is counted as a mismatch and changes nothing. Nothing here calls Stripe.
 */
import type Stripe from 'stripe';
import type { PaymentLedger } from '../payments/ledger/paymentLedger.js';
import { providerRefundOf } from '../payments/provider/stripeRefundAnswers.js';
import type { RefundLedger } from '../payments/refunds/refundLedger.js';
import type { IntentRecords } from './intentRecords.js';
import { linkRefund, type RefundLink } from './refundLinking.js';
import type { WebhookEvents } from './webhookEvents.js';

/** The refund events the webhook handles. */
export const REFUND_EVENTS: ReadonlySet<string> = new Set([
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.refunded',
]);

/** What applying one refund event did, in a word (logged, remembered with the event id). */
export type RefundSettleOutcome =
  | 'refund-succeeded'
  | 'refund-pending'
  | 'refund-failed'
  | 'refunds-recorded'
  | 'unchanged'
  | 'mismatch'
  | 'unreadable'
  | 'no-refund-list'
  | 'orphan-refund';

/** What settling refunds needs. */
export interface RefundSettleDeps {
  ledger: PaymentLedger;
  refunds: RefundLedger;
  intents: IntentRecords;
  emit: WebhookEvents;
}

/** Applies the refund of a `refund.*` event. */
export async function settleFromRefund(
  deps: RefundSettleDeps,
  re: Stripe.Refund,
  eventId: string,
): Promise<RefundSettleOutcome> {
  const link = await linkRefund(deps, re, eventId);
  return link.kind === 'linked' ? record(deps, link, re) : link.kind;
}

/**
 * Applies a `charge.refunded` event: records any of the charge's refunds the
 * ledger misses, oldest first. Each refund also has its own `refund.created`
 * event, which reports a foreign or orphan one: here they are only skipped.
 * Without the list (Stripe's API since 2022-11-15) the refund events carry it all.
 */
export async function settleFromCharge(
  deps: RefundSettleDeps,
  charge: Stripe.Charge,
  eventId: string,
): Promise<RefundSettleOutcome> {
  const list = charge.refunds?.data;
  if (!list) return 'no-refund-list';
  let written = 0;
  let orphan = false;
  for (const re of [...list].sort((a, b) => a.created - b.created)) {
    const link = await linkRefund(deps, re, eventId, false);
    if (link.kind !== 'linked') {
      orphan = true;
      continue;
    }
    const outcome = await record(deps, link, re);
    if (outcome === 'mismatch') return outcome;
    if (outcome.startsWith('refund-')) written += 1;
  }
  if (written > 0) return 'refunds-recorded';
  return orphan ? 'orphan-refund' : 'unchanged';
}

/** Writes one linked refund as Stripe says it is. */
async function record(
  deps: RefundSettleDeps,
  link: Extract<RefundLink, { kind: 'linked' }>,
  re: Stripe.Refund,
): Promise<RefundSettleOutcome> {
  const refund = providerRefundOf(re);
  if (!refund) return 'unreadable';
  const { transactionId, refundId } = link;
  const r = await deps.refunds.recordProviderRefund(transactionId, { ...refund, refundId }, link.source);
  const stored = r.refund;
  if (stored && (stored.amount !== refund.amount || stored.currency.toUpperCase() !== refund.currency)) {
    deps.emit({
      type: 'refund.mismatch',
      severity: 'ERROR',
      transactionId,
      refundId,
      providerRefundId: refund.providerRefundId,
      expected: { amount: stored.amount, currency: stored.currency },
      found: { amount: refund.amount, currency: refund.currency },
      source: 'webhook',
    });
    await deps.ledger.countIncident('mismatches');
    return 'mismatch';
  }
  if (!r.written || !stored) return 'unchanged';
  const unrefunded = stored.status === 'failed' && r.previous === 'succeeded';
  deps.emit({
    type: 'refund.settled',
    severity: unrefunded ? 'WARNING' : 'INFO',
    transactionId,
    refundId,
    uid: stored.uid,
    status: stored.status,
    previous: r.previous,
    amount: stored.amount,
    currency: stored.currency,
    providerRefundId: stored.providerRefundId,
    source: stored.source,
    by: 'webhook',
    refundedAmount: r.refundedAmount,
    pendingRefundAmount: r.pendingRefundAmount,
    ...(stored.failureReason ? { failureReason: stored.failureReason } : {}),
  });
  return stored.status === 'succeeded' || stored.status === 'pending' || stored.status === 'failed'
    ? `refund-${stored.status}`
    : 'unchanged';
}
