/**
 * What a Stripe PaymentIntent event does to the ledger record its metadata
 * names, decided from the PaymentIntent's state in the event (a snapshot of
 * when the event happened) and the record, through the PaymentLedger port:
 * - only the record's own PaymentIntent settles it (intentLinking.ts): any
 *   other is foreign, and a succeeded one no record holds is an orphan charge;
 * - succeeded is written whatever the record's claim, as the ledger's rules
 *   allow for the truth, and never over another final status (logged: it
 *   needs a person), except that money wins: over a record that says not
 *   charged (failed, declined, canceled) it is written, logged at ERROR as
 *   `payment.late_success` and counted;
 * - canceled is written only to a record nobody holds (a live call that
 *   canceled it writes its own answer: `declined` after a decline) and never
 *   over a final one;
 * - a waiting state (requires_action; requires_payment_method: a failed
 *   attempt the customer may retry; processing) is written only to a record
 *   reconciliation could claim, and never by an event older than the record's
 *   last write, so events delivered out of order cannot step a record back;
 * - a PaymentIntent whose amount or currency differ from the record is never
 *   this payment's outcome (counted as a mismatch).
 * Nothing here calls Stripe: the webhook answers within one ledger round trip or two.
 */
import type Stripe from 'stripe';
import { PaymentHistoryEventType, PaymentStatus, SettledBy } from '../api/index.js';
import type { HistoryNote } from '../payments/history/historyEvents.js';
import {
  FINAL_STATUSES,
  NOT_CHARGED_STATUSES,
  type PaymentLedger,
  type PaymentOutcome,
} from '../payments/ledger/paymentLedger.js';
import { settle } from '../payments/settlement.js';
import { settledEvent } from '../payments/paymentSettled.js';
import { lookupAnswerOf } from '../payments/provider/stripeAnswers.js';
import { linkIntent } from './intentLinking.js';
import type { WebhookEvents } from './webhookEvents.js';

/** Lease of the webhook's claim on a record: a claim and a write. */
const LEASE_MS = 10_000;

/** What settling one event did, in a word (logged, remembered with the event id). */
export type SettleOutcome =
  | 'succeeded'
  | 'late-success'
  | 'declined'
  | 'canceled'
  | 'requires_action'
  | 'requires_payment_method'
  | 'processing'
  | 'unchanged'
  | 'final-conflict'
  | 'stale'
  | 'busy'
  | 'not-charged'
  | 'mismatch'
  | 'no-transaction'
  | 'unknown-transaction'
  | 'foreign-intent';

/** What settling needs. */
export interface SettleDeps {
  ledger: PaymentLedger;
  emit: WebhookEvents;
  now: () => number;
}

/**
 * Applies the PaymentIntent of event `eventId` (created at `createdSec`) to the
 * record its metadata names (`named`: `metadata.transactionId`, or null).
 */
export async function settleFromIntent(
  deps: SettleDeps,
  named: string | null,
  pi: Stripe.PaymentIntent,
  eventId: string,
  createdSec: number,
): Promise<SettleOutcome> {
  const { ledger, emit } = deps;
  const link = await linkIntent(deps, named, pi, eventId);
  if (link.kind !== 'linked') return link.outcome;
  const { transactionId, record } = link;
  const s = settle(lookupAnswerOf(pi), record, null, deps.now());
  if (s.kind === 'not-charged' || s.kind === 'settling' || s.kind === 'unanswered') return 'not-charged';
  if (s.kind === 'mismatch') {
    const found = { amount: s.charge.amount, currency: s.charge.currency };
    const expected = { amount: record.amount, currency: record.currency };
    const chargeId = s.charge.chargeId;
    emit({
      type: 'payment.charge_mismatch',
      severity: 'ERROR',
      transactionId,
      chargeId,
      expected,
      found,
      source: 'webhook',
    });
    await ledger.countIncident('mismatches');
    return 'mismatch';
  }
  if (s.kind === 'charged') {
    const c = s.charge;
    const status = c.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined;
    const late = status === PaymentStatus.succeeded && NOT_CHARGED_STATUSES.includes(record.status);
    if (FINAL_STATUSES.includes(record.status) && !late)
      return finalConflict(deps, transactionId, record.status, status, eventId);
    const outcome: PaymentOutcome = {
      status,
      attempts: record.attempts,
      chargeId: c.chargeId,
      ...(c.kind === 'declined' ? { declineCode: c.declineCode } : {}),
    };
    // With a claim when one can be had; without one the ledger still writes a definite answer (never over a final one).
    const claim = await ledger.claimForResolution(transactionId, LEASE_MS, record.updatedAt, claimNote(eventId));
    const r = await ledger.finalize(transactionId, claim?.claimId ?? `webhook:${eventId}`, applied(outcome, eventId));
    const settled = settledEvent(transactionId, record, outcome, r, SettledBy.webhook, record.status);
    if (settled) emit(settled);
    if (r.conflict) return finalConflict(deps, transactionId, r.conflict, status, eventId);
    if (r.lateSuccessOver) {
      const stored = r.lateSuccessOver;
      emit({
        type: 'payment.late_success',
        severity: 'ERROR',
        transactionId,
        stored,
        chargeId: c.chargeId,
        source: 'webhook',
      });
      await ledger.countIncident('lateSuccesses');
      return 'late-success';
    }
    return r.written ? status : 'unchanged';
  }
  if (s.kind === 'canceled') {
    if (record.status === PaymentStatus.succeeded)
      return finalConflict(deps, transactionId, record.status, PaymentStatus.canceled, eventId);
    if (FINAL_STATUSES.includes(record.status)) return 'unchanged';
    const claim = await ledger.claimForResolution(transactionId, LEASE_MS, record.updatedAt, claimNote(eventId));
    if (!claim) return 'busy';
    const outcome = { status: PaymentStatus.canceled, attempts: record.attempts };
    const r = await ledger.finalize(transactionId, claim.claimId, applied(outcome, eventId));
    const settled = settledEvent(transactionId, record, outcome, r, SettledBy.webhook, record.status);
    if (settled) emit(settled);
    return PaymentStatus.canceled;
  }
  const status = s.state;
  if (FINAL_STATUSES.includes(record.status)) return 'unchanged';
  if ((createdSec + 1) * 1000 <= record.updatedAt) return 'stale';
  if (record.status === status) return 'unchanged';
  // Held by a live call (or failed: certainly not charged by our own reading): that call, or a later event, decides.
  const claim = await ledger.claimForResolution(transactionId, LEASE_MS, record.updatedAt, claimNote(eventId));
  if (!claim) return 'busy';
  await ledger.finalize(transactionId, claim.claimId, applied({ status, attempts: record.attempts }, eventId));
  return status;
}

/** The history of the webhook's claim of a record for event `eventId`. */
const claimNote = (eventId: string): HistoryNote => ({
  type: PaymentHistoryEventType.webhookClaimed,
  details: { eventId },
});

/** `outcome` as written for event `eventId` (`webhook.applied` in the history). */
const applied = (outcome: PaymentOutcome, eventId: string): PaymentOutcome => ({
  ...outcome,
  history: { type: PaymentHistoryEventType.webhookApplied, details: { eventId } },
});

/** A final status contradicted by Stripe: the ledger keeps it; a person must look (money may have moved). */
function finalConflict(
  deps: SettleDeps,
  transactionId: string,
  stored: string,
  stripeSays: string,
  eventId: string,
): SettleOutcome {
  if (stored === stripeSays) return 'unchanged';
  deps.emit({ type: 'stripe_webhook.final_conflict', severity: 'ERROR', transactionId, stored, stripeSays, eventId });
  return 'final-conflict';
}
