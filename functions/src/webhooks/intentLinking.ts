/**
 * Which ledger record a Stripe PaymentIntent event may settle. A record is
 * settled only by the PaymentIntent whose id it holds and whose metadata
 * carries the record's uid. processPayment's prepare creates the PaymentIntent
 * (metadata transactionId and uid) and stores its id on the record before it
 * confirms, so the product's own PaymentIntent holds both before any money
 * moves. Anything else that names a record was made outside this payment
 * (Checkout, Payment Links, the Dashboard, another integration): it is
 * foreign, logged and counted (`foreignIntents`), and the record is left as
 * it is. A succeeded PaymentIntent that belongs to no record (names none, a
 * record that does not exist, or one it is foreign to) is an orphan charge:
 * money the ledger does not show, logged at ERROR (`stripe_webhook.orphan_charge`)
 * and counted (`orphanCharges`) for a person to refund or link by hand.
 * Counts are written before the event is remembered: a count that fails
 * answers 500 and Stripe delivers the event again (counted at least once).
 */
import type Stripe from 'stripe';
import { TRANSACTION_ID_PATTERN } from '../api/index.js';
import type { PaymentLedger, PaymentRecord } from '../payments/ledger/paymentLedger.js';
import type { ForeignReason, OrphanReason, WebhookEvents } from './webhookEvents.js';

/** What linking an event's PaymentIntent found. */
export type Link =
  | { kind: 'linked'; transactionId: string; record: PaymentRecord }
  | { kind: 'no-transaction' | 'unknown-transaction' | 'foreign-intent'; outcome: UnlinkedOutcome };

/** The webhook's outcome word for a PaymentIntent that settles nothing. */
export type UnlinkedOutcome = 'no-transaction' | 'unknown-transaction' | 'foreign-intent';

/** What linking needs. */
export interface LinkDeps {
  ledger: PaymentLedger;
  emit: WebhookEvents;
}

/** Why `pi` is not `record`'s own PaymentIntent, or null when it is. */
export function foreignReason(record: PaymentRecord, pi: Stripe.PaymentIntent): ForeignReason | null {
  if (record.providerRef === undefined) return 'no-intent-stored';
  if (record.providerRef !== pi.id) return 'other-intent';
  const uid = pi.metadata?.uid;
  if (uid === undefined || uid === '') return 'no-user';
  return uid === record.uid ? null : 'other-user';
}

/**
 * Finds the record `transactionId` (the event's `metadata.transactionId`, or
 * null) and decides whether `pi` may settle it; reports (logs and counts)
 * a PaymentIntent that may not.
 */
export async function linkIntent(
  deps: LinkDeps,
  transactionId: string | null,
  pi: Stripe.PaymentIntent,
  eventId: string,
): Promise<Link> {
  if (transactionId === null || transactionId === '') return unlinked(deps, pi, eventId, null, 'no-transaction');
  // An id the product never accepts names no record (and is no document path to read).
  const record = TRANSACTION_ID_PATTERN.test(transactionId) ? await deps.ledger.get(transactionId) : null;
  if (!record) return unlinked(deps, pi, eventId, transactionId, 'unknown-transaction');
  const reason = foreignReason(record, pi);
  if (reason === null) return { kind: 'linked', transactionId, record };
  const charged = pi.status === 'succeeded';
  const severity = charged ? 'ERROR' : 'WARNING';
  deps.emit({ type: 'stripe_webhook.foreign_intent', severity, transactionId, paymentIntent: pi.id, reason, eventId });
  await deps.ledger.countIncident('foreignIntents');
  return unlinked(deps, pi, eventId, transactionId, reason);
}

/** A PaymentIntent that settles nothing: an orphan charge when it succeeded. */
async function unlinked(
  deps: LinkDeps,
  pi: Stripe.PaymentIntent,
  eventId: string,
  transactionId: string | null,
  reason: OrphanReason,
): Promise<Link> {
  const outcome: UnlinkedOutcome =
    reason === 'no-transaction' || reason === 'unknown-transaction' ? reason : 'foreign-intent';
  if (pi.status === 'succeeded') {
    deps.emit({
      type: 'stripe_webhook.orphan_charge',
      severity: 'ERROR',
      paymentIntent: pi.id,
      amount: pi.amount,
      currency: pi.currency,
      transactionId: transactionId ?? undefined,
      reason,
      eventId,
    });
    await deps.ledger.countIncident('orphanCharges');
  }
  return { kind: outcome, outcome };
}
