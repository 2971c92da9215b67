/**
 * A payment's history and its dispute on the wire: the events appended to
 * `payments/{transactionId}/events` (never updated or deleted, never readable by
 * clients: admins see them through `getPayment`) and the `dispute` a payment
 * record carries. Part of the callables' contract (see api/index.ts):
 * import-free, the SPA bundles it.
 */
import type { PaymentStatus } from './payments.js';

/**
 * What one history event records. Each is written in the same commit as the
 * change it records (the attempts of a call and their answers with the commit
 * that records the call's attempts), so the history never tells of a change
 * the record does not hold.
 */
export const PaymentHistoryEventType = {
  /** A `processPayment` call claimed the payment: created it, or claimed it again (failed, unknown, a dead call's). */
  claimed: 'claimed',
  /** One charge request sent (details: `attempt`, `endpoint` when the provider has several). */
  attemptSent: 'attempt.sent',
  /** The provider's answer to one attempt, or why there was none (details: `attempt`, `answer`, `httpStatus`). */
  providerAnswered: 'provider.answered',
  /** What a lookup of the payment at the provider said (details: `result`). */
  lookupAnswered: 'lookup.answered',
  /** The outcome a `processPayment` call wrote (reason: its error or decline code). */
  outcomeRecorded: 'outcome.recorded',
  /** The Stripe webhook claimed the payment to write what an event said (details: `eventId`). */
  webhookClaimed: 'webhook.claimed',
  /** A Stripe event changed the record (details: `eventId`). */
  webhookApplied: 'webhook.applied',
  /** A Stripe event that names the payment changed nothing (reason: why, e.g. `stale`, `final-conflict`). */
  webhookIgnored: 'webhook.ignored',
  /** Reconciliation claimed the payment to look it up. */
  reconcileClaimed: 'reconcile.claimed',
  /** What reconciliation decided from its lookup (details: `result`; reason: the code written). */
  reconcileDecided: 'reconcile.decided',
  /** `cancelPayment` claimed the payment to cancel it at the provider. */
  cancelClaimed: 'cancel.claimed',
  /** What the cancel ended with: canceled, or the record as it was when the provider could not cancel. */
  cancelDecided: 'cancel.decided',
  /** Money wins: `succeeded` written over a record that said not charged (statusBefore). */
  lateSuccess: 'late_success',
  /**
   * A refundPayment call claimed a refund, written ahead of anything sent: a new one, or one asked again
   * (details of every refund event: `refundId`, `amount` in minor units, `currency`, `refundStatusBefore`
   * (null when new), `refundStatus`, `source`, `providerRefundId`; the payment's status is unchanged).
   */
  refundRequested: 'refund.requested',
  /** A call or reconciliation wrote a refund's outcome under its claim (reason: its error or failure code). */
  refundSettled: 'refund.settled',
  /** The provider's own word about a refund was recorded (a webhook, a Dashboard refund, a refund failed later). */
  refundRecorded: 'refund.recorded',
  /** Reconciliation claimed an unknown refund, or a pending one whose lease ended, to look it up. */
  refundReconcileClaimed: 'refund.reconcile_claimed',
  /** A dispute (chargeback) was opened on the payment's charge (details: `disputeId`, `disputeStatus`, `amount`). */
  disputeOpened: 'dispute.opened',
  /** A dispute changed: its status, evidence deadline, or funds withdrawn or reinstated. */
  disputeUpdated: 'dispute.updated',
  /** A dispute was closed (details: `disputeStatus`: won, lost, warning_closed...). */
  disputeClosed: 'dispute.closed',
} as const;
export type PaymentHistoryEventType = (typeof PaymentHistoryEventType)[keyof typeof PaymentHistoryEventType];

/** Who made a change: a signed-in user (the payer, or an admin), or a function acting on its own. */
export type HistoryActor =
  | { kind: 'user'; uid: string }
  /** `name`: the function (e.g. `stripeWebhook`, `reconcilePayments`); `instance`: its instance id. */
  | { kind: 'function'; name: string; instance: string };

/**
 * Small facts of an event: attempt numbers, an endpoint, an answer's kind, an
 * HTTP status, a refund or dispute id, a Stripe event id. Never a client
 * secret, card data, a key or a person's data.
 */
export type HistoryDetails = Record<string, string | number | boolean | null>;

/** One event of a payment's history (`payments/{transactionId}/events/{id}`). */
export interface PaymentHistoryEvent {
  /** Sorts the events of a payment in the order they happened (time first). */
  id: string;
  /** When it happened, epoch ms (for an attempt: when it was sent, not when it was written). */
  at: number;
  type: PaymentHistoryEventType;
  actor: HistoryActor;
  /** The record's status before; null when the event created the record. */
  statusBefore: PaymentStatus | null;
  /** The record's status after (the same as before when the event changed no status). */
  statusAfter: PaymentStatus;
  /** A code saying why (an error or decline code, why a webhook was ignored); null when there is none. */
  reason: string | null;
  details: HistoryDetails;
}

/**
 * Stripe's dispute statuses. Open: the `warning_*` ones but `warning_closed`,
 * `needs_response`, `under_review`; closed: `won`, `lost`, `warning_closed`,
 * `prevented`.
 */
export const DisputeStatus = {
  warningNeedsResponse: 'warning_needs_response',
  warningUnderReview: 'warning_under_review',
  warningClosed: 'warning_closed',
  needsResponse: 'needs_response',
  underReview: 'under_review',
  won: 'won',
  lost: 'lost',
  prevented: 'prevented',
} as const;
export type DisputeStatus = (typeof DisputeStatus)[keyof typeof DisputeStatus];

/** Dispute statuses after which nothing more happens. */
export const CLOSED_DISPUTE_STATUSES: readonly DisputeStatus[] = [
  DisputeStatus.won,
  DisputeStatus.lost,
  DisputeStatus.warningClosed,
  DisputeStatus.prevented,
];

/** A payment's dispute (chargeback), as the payment record holds it (`dispute`). */
export interface PaymentDispute {
  /** Stripe's dispute id (`dp_...`). */
  id: string;
  status: DisputeStatus;
  /** Stripe's reason (`fraudulent`, `product_not_received`...). */
  reason: string;
  /** Disputed amount, integer minor units. */
  amount: number;
  /** When the evidence must be submitted, epoch ms; null when Stripe gives no deadline. */
  evidenceDueBy: number | null;
}
