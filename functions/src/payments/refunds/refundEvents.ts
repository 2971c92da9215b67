import type { RefundReason, RefundSource, RefundStatus } from '../../api/index.js';

/**
 * What the refund path, reconciliation and the Stripe webhook tell their
 * listeners (logs, metrics, the incident log; Eventarc and payment history
 * build on `refund.requested` and `refund.settled`), one variant per logged
 * event, in the style of paymentEvents.ts: `type` is the logged event name,
 * `severity` its log severity, every other field is logged as it is.
 * Amounts are integer minor units.
 */

/** A refund written ahead of its first attempt (a new refundId, or a failed one sent again). */
export interface RefundRequested {
  type: 'refund.requested';
  severity: 'INFO';
  transactionId: string;
  refundId: string;
  amount: number;
  currency: string;
  reason: RefundReason | null;
  /** The admin who asked. */
  requestedBy: string;
}

/**
 * A refund's status was written (other than its claim): `succeeded` and
 * `failed` are final (a succeeded Stripe refund may still fail later: a second
 * event), `pending` waits at the provider, `unknown` may be refunded.
 * Emitted by whoever wrote it, once per write.
 */
export interface RefundSettled {
  type: 'refund.settled';
  /** WARNING for `unknown` and for `failed` over `succeeded`. */
  severity: 'INFO' | 'WARNING';
  transactionId: string;
  refundId: string;
  /** The refunded payment's owner. */
  uid: string;
  status: RefundStatus;
  /** The status before this write; null when the write created the refund (a refund made outside the product). */
  previous: RefundStatus | null;
  amount: number;
  currency: string;
  providerRefundId: string | null;
  /** Where the refund was made. */
  source: RefundSource;
  /** Who wrote this status: the refund call, reconciliation, or a provider webhook. */
  by: 'call' | 'reconcile' | 'webhook';
  /** The payment's totals after the write (see RefundFinalizeResult.totals for their exactness). */
  refundedAmount: number;
  pendingRefundAmount: number;
  failureReason?: string | null;
}

/** One refund attempt's end, or (`outcome: 'breaker-open'`, no timing) a refusal by the open breaker. */
export interface RefundAttempt {
  type: 'refund.attempt';
  severity: 'INFO' | 'WARNING';
  transactionId: string;
  refundId: string;
  attempt: number;
  /** The answer's kind, or why there was none. */
  outcome: string;
  httpStatus?: number;
  durationMs?: number;
  service?: string;
  endpoint?: string;
}

/** A provider refund with another amount or currency than the ledger's (counted as a ledger mismatch). */
export interface RefundMismatch {
  type: 'refund.mismatch';
  severity: 'ERROR';
  transactionId: string;
  refundId: string;
  providerRefundId: string;
  expected: { amount: number; currency: string };
  found: { amount: number; currency: string };
  source: 'call' | 'reconcile' | 'webhook';
}

/** The end of one `refundPayment` call. */
export interface RefundCompleted {
  type: 'refund.completed';
  severity: 'INFO' | 'WARNING';
  transactionId: string;
  refundId: string;
  /** The answer's status, `replayed`, or the error's code (`error` when it had none). */
  outcome: string;
  latencyMs: number;
}

/** The call's claim was taken over (by reconciliation) before its outcome was written. */
export interface RefundClaimLost {
  type: 'refund.claim_lost';
  severity: 'ERROR';
  transactionId: string;
  refundId: string;
  status: RefundStatus;
}

/** Reconciliation could not settle a refund (left for the next pass). */
export interface RefundReconcileFailed {
  type: 'refund.reconcile_failed';
  severity: 'ERROR';
  transactionId: string;
  refundId: string;
  error: unknown;
}

/** Events of refunds. */
export type RefundEvent =
  | RefundRequested
  | RefundSettled
  | RefundAttempt
  | RefundMismatch
  | RefundCompleted
  | RefundClaimLost
  | RefundReconcileFailed;

/** Where refund events go. */
export type RefundEventSink = (event: RefundEvent) => void;
