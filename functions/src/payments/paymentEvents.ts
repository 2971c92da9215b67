import type { PaymentStatus, PublishedPaymentStatus, SettledBy } from '../api/index.js';

/**
 * What the payment path and reconciliation tell their listeners (logs,
 * metrics, the incident log: app/subscriptions.ts), one variant per logged
 * event. `type` is the logged event name and `severity` its log severity;
 * every other field is logged as it is, so names and fields here are what log
 * and metric consumers read.
 */

/** Amount (minor units) and currency of a payment as one side knows it. */
interface Money {
  amount?: number | undefined;
  currency?: string | undefined;
}

/** The end of one `processPayment` call. */
export interface PaymentCompleted {
  type: 'payment.completed';
  /** WARNING when the call ended with an error. */
  severity: 'INFO' | 'WARNING';
  transactionId: string;
  /** The answer's status, `replayed`, or the error's code (`error` when it had none). */
  outcome: string;
  /** Provider attempts recorded for the payment (answered calls only). */
  attempts?: number;
  latencyMs: number;
  /** Why a per-user limit refused the call (`user-rate`, `user-in-flight`). */
  reason?: string;
}

/** One charge attempt's end, or (`outcome: 'breaker-open'`, no timing) a refusal by the open breaker. */
export interface PaymentAttempt {
  type: 'payment.attempt';
  /** INFO for a definite answer, WARNING otherwise. */
  severity: 'INFO' | 'WARNING';
  transactionId: string;
  /** Attempts sent so far in this call (0: none). */
  attempt: number;
  /** The answer's kind, or why there was none (timeout, connection...). */
  outcome: string;
  httpStatus?: number;
  /** Time the attempt took, ms; absent when none was sent. */
  durationMs?: number;
  /** The provider's pool and breaker name. */
  service?: string;
  /** Which endpoint answered, when the provider has several. */
  endpoint?: string;
}

interface MismatchBase {
  type: 'payment.charge_mismatch';
  severity: 'ERROR';
  transactionId: string;
  chargeId: string;
}

/** A charge found at the provider with another amount or currency than the payment's. */
export interface ChargeMismatch extends MismatchBase {
  expected: Money;
  found: Money;
}

/** The same, found by reconciliation. */
export interface ReconcileMismatch extends MismatchBase {
  source: 'reconcile';
}

/** The provider refused the credentials (401/403). */
export interface ProviderAuthRejected {
  type: 'payment.provider_auth_rejected';
  severity: 'ERROR';
  transactionId: string;
  httpStatus: number;
  errorMessage: string;
}

/** A write met another final status, which never changes. */
export interface FinalConflict {
  type: 'payment.final_conflict';
  severity: 'ERROR';
  transactionId: string;
  stored: PaymentStatus;
  status: PaymentStatus;
}

/** A payment canceled by `cancelPayment`: it can never be charged. */
export interface PaymentCanceled {
  type: 'payment.canceled';
  severity: 'INFO';
  transactionId: string;
  /** The payment's owner. */
  uid: string;
  /** Who canceled it: the owner, or an admin. */
  canceledBy: string;
  /** What proved it can never be charged (the provider's cancel, never sent, not found after the settle window). */
  reason: string;
}

/**
 * Money wins: the provider says `succeeded` for a payment the ledger recorded
 * not charged (`stored`: failed, declined or canceled), e.g. a customer who
 * confirmed the PaymentIntent again client-side. The record is made
 * `succeeded`; counted as the ledger incident `lateSuccesses`.
 */
export interface LateSuccess {
  type: 'payment.late_success';
  severity: 'ERROR';
  transactionId: string;
  stored: PaymentStatus;
  chargeId?: string | undefined;
  /** Who found it: a call's charge or lookup, reconciliation, or a Stripe webhook. */
  source: 'payment' | 'reconcile' | 'webhook';
}

/**
 * A ledger commit wrote one of the statuses other systems hear of
 * (succeeded, declined, failed, canceled) over another status; emitted after
 * the commit by whoever wrote it (payments/paymentSettled.ts). Not logged (the
 * writer's own lines say it): the Eventarc publisher subscribes to it.
 */
export interface PaymentSettled {
  type: 'payment.settled';
  severity: 'INFO';
  transactionId: string;
  uid: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  status: PublishedPaymentStatus;
  chargeId: string | null;
  declineCode: string | null;
  errorCode: string | null;
  settledBy: SettledBy;
}

/** The call's claim was taken over before its outcome was written. */
export interface ClaimLost {
  type: 'payment.claim_lost';
  severity: 'ERROR';
  transactionId: string;
  status: PaymentStatus;
  /** Whether the (definite) outcome was written anyway. */
  written: boolean;
}

/** The outcome could not be written (the record stays pending with a lease). */
export interface LedgerWriteFailed {
  type: 'payment.ledger_write_failed';
  severity: 'ERROR';
  transactionId: string;
  status: PaymentStatus;
  errorCode: string | undefined;
}

/**
 * Phases of one `processPayment` call, the keys of `call.completed`'s
 * `phasesMs` and the `Phase` dimension of `CallPhaseLatency`
 * (docs/operations.md). `attempts` holds one duration per provider attempt.
 */
export const PaymentPhase = {
  /** Payload and provider-field checks (the callable). */
  validate: 'validate',
  /** The ledger claim with the user's limits. */
  claim: 'claim',
  /** The provider's preparation and storing its reference (providers that need one). */
  prepare: 'prepare',
  /** The breaker's checks and bookkeeping around the attempts (its fleet copy refreshed at most once a second). */
  breaker: 'breaker',
  /** Each provider charge request, from send to answer. */
  attempts: 'attempts',
  /** Claim lease extensions before an attempt. */
  lease: 'lease',
  /** Provider lookups resolving an open outcome, or the ledger read and the caller's spend while the breaker is open. */
  lookup: 'lookup',
  /** Writing the outcome to the ledger. */
  finalize: 'finalize',
  /** Opening the caller's sealed limits and sealing them for the answer (payments/paymentSeals.ts; only with seals). */
  seal: 'seal',
  /** Emitting the call's events: each `payment.attempt` and `payment.completed` (logs, metrics, incident log). */
  events: 'events',
} as const;

/** Events of the payment handler and of `cancelPayment`. */
export type PaymentEvent =
  | PaymentCompleted
  | PaymentCanceled
  | PaymentAttempt
  | ChargeMismatch
  | ProviderAuthRejected
  | FinalConflict
  | LateSuccess
  | ClaimLost
  | LedgerWriteFailed
  | PaymentSettled;

/** Events of a reconciliation pass. */
export type ReconcileEvent =
  | ReconcileMismatch
  | LateSuccess
  | PaymentSettled
  | { type: 'payments.reconcile_record_failed'; severity: 'ERROR'; transactionId: string; error: unknown }
  | { type: 'payments.reconcile_report_failed'; severity: 'WARNING'; error: unknown };

/** Where the payment handler's events go. */
export type PaymentEventSink = (event: PaymentEvent) => void;
/** Where reconciliation's events go. */
export type ReconcileEventSink = (event: ReconcileEvent) => void;
