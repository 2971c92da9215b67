import { createHash } from 'node:crypto';
import {
  PaymentStatus,
  type LedgerHealth,
  type PaymentDispute,
  type PaymentHistoryEvent,
  type PaymentMethod,
  type ReconcileReport,
} from '../../api/index.js';
import type { PaymentRequest } from '../paymentRequest.js';
import type { HistoryDraft, HistoryNote } from '../history/historyEvents.js';
import type { DisputeApplied, DisputeChange } from './disputeChange.js';

/** The ledger health as the payments know it; the refund ledger adds its counts (app/refundRuntime.ts). */
export type PaymentLedgerHealth = Omit<LedgerHealth, 'pendingRefunds' | 'unknownRefunds'>;

/** Final statuses a repeat call simply replays. */
export const FINAL_STATUSES: readonly PaymentStatus[] = [
  PaymentStatus.succeeded,
  PaymentStatus.declined,
  PaymentStatus.canceled,
];

/** Statuses that say "not charged": a `succeeded` written over one is a late success (money wins). */
export const NOT_CHARGED_STATUSES: readonly PaymentStatus[] = [
  PaymentStatus.failed,
  PaymentStatus.declined,
  PaymentStatus.canceled,
];

/** Accepted by the provider and waiting there (the ledger health's `waiting`). */
export const WAITING_STATUSES: readonly PaymentStatus[] = [
  PaymentStatus.requiresAction,
  PaymentStatus.requiresPaymentMethod,
  PaymentStatus.processing,
];

/** A ledger record (`payments/{transactionId}` in Firestore). Times are epoch milliseconds. */
export interface PaymentRecord {
  uid: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  paymentMethod: PaymentMethod;
  status: PaymentStatus;
  /** Provider attempts made so far, over every call for this transactionId. */
  attempts: number;
  /** What the provider calls this payment; absent means the transactionId itself. */
  providerRef?: string;
  chargeId?: string;
  declineCode?: string;
  /** Last error for failed/unknown: a code and a person-readable message. */
  error?: { code: string; message: string } | null;
  /** sha256 of amount, currency and method: a replay must match it. */
  requestHash: string;
  /** Which call holds the record while pending, and until when. */
  claimId?: string | null;
  leaseUntil?: number | null;
  /**
   * Send time of the last attempt whose outcome was left open (no answer, or an
   * answer outside the provider's contract): the settle window runs from it.
   * Null when every attempt got a contract answer; absent on records of older
   * versions (then `updatedAt` counts).
   */
  openAttemptAt?: number | null;
  /**
   * Refunds (refunds/refundLedger.ts), integer minor units, absent = 0: the
   * succeeded ones, and the `pending` and `unknown` ones. Written in the same
   * commit as the refund status they follow; the payment's status stays.
   */
  refundedAmount?: number;
  pendingRefundAmount?: number;
  createdAt: number;
  updatedAt: number;
  /** The payment's dispute (chargeback), when its charge has one (ledger/disputeRules.ts). */
  dispute?: PaymentDispute;
  /** When the Stripe event that last changed `dispute` happened: older events change nothing. */
  disputeEventAt?: number;
  /** While the dispute is open, its deadline (or NO_EVIDENCE_DEADLINE), for the ledger health; null once closed. */
  openDisputeDueBy?: number | null;
}

/** What claiming a transactionId produced. */
export type Claim =
  | { kind: 'replay'; record: PaymentRecord }
  | {
      kind: 'claimed';
      claimId: string;
      record: PaymentRecord;
      /** True when an earlier call may have reached the provider: ask it before charging. */
      resolveFirst: boolean;
      /**
       * From when the settle window of earlier attempts runs (their last send,
       * or the lease end of a call that died); null when nothing may be pending.
       */
      settleFrom: number | null;
      /**
       * The adapter's version of the record as claimed (Firestore: its update
       * time), so the outcome can be a single conditional write; null when unknown.
       */
      version: LedgerVersion | null;
    };

/** Who asks for a cancel: the payment's owner, or an admin (whose session was checked). */
export interface CancelCaller {
  uid: string;
  admin: boolean;
}

/** What claiming a record for a cancel produced (see ledger/cancelRules.ts). */
export type CancelClaim =
  /** Already canceled: a repeated cancel answers it again, nothing written. */
  | { kind: 'canceled'; record: PaymentRecord }
  /** Claimed (`pending` under this claim's lease); `record` is the record as it was before, to restore it from. */
  | { kind: 'claimed'; claimId: string; record: PaymentRecord };

/** An adapter's opaque version of a record. */
export type LedgerVersion = object;

/** The outcome a call writes when it is done. */
export interface PaymentOutcome {
  status: Exclude<PaymentStatus, 'pending'>;
  attempts: number;
  chargeId?: string;
  declineCode?: string;
  error?: { code: string; message: string };
  /** Send time of the call's last open attempt (see PaymentRecord.openAttemptAt); null when none was left open. */
  openAttemptAt?: number | null;
  /** Who writes it and the history events recorded with it (default: this function, `outcome.recorded`). */
  history?: HistoryNote;
}

/** What a finalize did. */
export interface FinalizeResult {
  written: boolean;
  /** The call no longer held its claim (another call or reconciliation took it over). */
  claimLost: boolean;
  /** The record already had this other final status, which never changes; null when none. */
  conflict: PaymentStatus | null;
  /**
   * The record as this finalize left it, when it was already final (succeeded
   * or declined) before it: the outcome that stands, to answer the caller from.
   * Absent when the record was not final.
   */
  final?: PaymentRecord;
  /**
   * Money wins: set when this finalize wrote `succeeded` over a record that
   * said not charged (this status: failed, declined or canceled). The writer
   * logs `payment.late_success` and counts `lateSuccesses`.
   */
  lateSuccessOver?: PaymentStatus;
}

/** Where a reconciliation scan continues: after this record in the scan's order. */
export interface ScanCursor {
  orderValue: number;
  transactionId: string;
}

/** One page of a reconciliation scan. */
export interface ScanQuery {
  /**
   * `unknown` or waiting (`requires_action`, `requires_payment_method`,
   * `processing`) records, oldest update first; or `pending` ones whose lease
   * ended, oldest lease first.
   */
  status: Exclude<PaymentStatus, 'succeeded' | 'declined' | 'canceled' | 'failed'>;
  /** Only records updated (unknown) or whose lease ended (pending) before this time: the start of the pass. */
  before: number;
  after?: ScanCursor | undefined;
  limit: number;
}

/** Incidents counted fleet-wide for operators (each a counter of LedgerHealth). */
export const LEDGER_INCIDENTS = [
  'lostClaims',
  'mismatches',
  'orphanCharges',
  'foreignIntents',
  'lateSuccesses',
  'orphanRefunds',
] as const;
/** One of {@link LEDGER_INCIDENTS}. */
export type LedgerIncident = (typeof LEDGER_INCIDENTS)[number];

/** Every incident counter, 0 where `counted` has none. */
export function incidentCounts(counted: Partial<Record<LedgerIncident, number>>): Record<LedgerIncident, number> {
  return Object.fromEntries(LEDGER_INCIDENTS.map((k) => [k, counted[k] ?? 0])) as Record<LedgerIncident, number>;
}

/** A record reconciliation may resolve, with its id. */
export interface UnresolvedPayment {
  transactionId: string;
  record: PaymentRecord;
}

/**
 * Where payments are recorded, claimed and resolved: the write-ahead ledger.
 * A call claims its transactionId before the provider is called, holds a lease
 * while it works, and writes the outcome only while it still holds the claim.
 * Implementations: FirestoreLedger (production) and MemoryLedger (tests); both
 * apply the same rules (ledgerRules.ts).
 */
export interface PaymentLedger {
  /**
   * Claims `req.transactionId` for one call: creates the `pending` record, or
   * re-claims a `failed`/`unknown`/stale `pending` one, or returns a final one
   * to replay. Throws PAYMENT_FORBIDDEN (another user's id), PAYMENT_CONFLICT
   * (other parameters) or PAYMENT_IN_PROGRESS (a live claim). A ledger built
   * with per-user limits checks and updates them atomically with the claim
   * (PAYMENT_USER_LIMITED, nothing written); finalize frees the in-flight slot.
   */
  claim(req: PaymentRequest, leaseMs: number): Promise<Claim>;
  /**
   * Spends one call of `req.uid` from its per-user limits without claiming
   * anything, for a call answered without a claim (while the breaker is
   * open); its in-flight slot ends with the spend. Throws PAYMENT_USER_LIMITED
   * (nothing written) when over a limit; does nothing without limits.
   */
  spend(req: PaymentRequest): Promise<void>;
  /** Stores the provider's reference of a claimed payment (before any money moves). */
  attachProviderRef(transactionId: string, claimId: string, providerRef: string): Promise<void>;
  /**
   * Writes a call's outcome if the call still holds its claim. `expected` is
   * the record as the call claimed it (and the adapter's version of it, when
   * still current): it frees the call's per-user in-flight slot and lets an
   * adapter write with one conditional update. A definite
   * answer (succeeded/declined) is written even by a call that lost its claim,
   * since it is the truth; a final status is never changed (only the attempt
   * tally may rise over it: see finalizeStep), and the final record is returned.
   */
  finalize(
    transactionId: string,
    claimId: string,
    outcome: PaymentOutcome,
    expected?: { record: PaymentRecord; version: LedgerVersion | null },
  ): Promise<FinalizeResult>;
  /** Extends the lease of a claim still held; false when the claim was lost. */
  renewLease(transactionId: string, claimId: string, leaseUntil: number): Promise<boolean>;
  /**
   * Claims an `unknown` or stale `pending` record for reconciliation; null when
   * it is not resolvable now or (with `expectedUpdatedAt`) changed since it was scanned.
   * `note`: who claims it and the history event's type (default: this function, `reconcile.claimed`).
   */
  claimForResolution(
    transactionId: string,
    leaseMs: number,
    expectedUpdatedAt?: number,
    note?: HistoryNote,
  ): Promise<{ claimId: string; record: PaymentRecord } | null>;
  /**
   * Claims a record for `cancelPayment` by `caller` (its owner, or an admin), or
   * answers it already canceled (see cancelRules.ts). Throws PAYMENT_NOT_FOUND,
   * PAYMENT_FORBIDDEN, PAYMENT_IN_PROGRESS or PAYMENT_NOT_CANCELABLE; with
   * per-user limits the caller spends from them atomically with the step, a
   * refusal included (PAYMENT_USER_LIMITED, nothing written, when over one).
   * `settleMs` [PAYMENT_SETTLE_MS] keeps an open outcome uncancelable until its window ends.
   */
  claimForCancel(transactionId: string, caller: CancelCaller, leaseMs: number, settleMs: number): Promise<CancelClaim>;
  /** One page of records reconciliation should look at, in a stable order. */
  scanUnresolved(query: ScanQuery): Promise<UnresolvedPayment[]>;
  /** One record, or null (operators, tests). */
  get(transactionId: string): Promise<PaymentRecord | null>;
  /** The history of a payment (api/history.ts), oldest first; empty when there is none. */
  listEvents(transactionId: string): Promise<PaymentHistoryEvent[]>;
  /**
   * Appends events that change nothing on the record (a webhook ignored, and
   * why): one commit of their own, the record's status as before and after.
   * Nothing is written when the record does not exist.
   */
  recordHistory(transactionId: string, drafts: readonly HistoryDraft[], note?: HistoryNote): Promise<void>;
  /**
   * Applies what a Stripe dispute event says to the payment (ledger/disputeRules.ts): sets `dispute` and
   * appends `dispute.opened`/`updated`/`closed` in the same commit; an older event, or one that would
   * reopen a closed dispute, changes nothing.
   */
  applyDispute(transactionId: string, change: DisputeChange): Promise<DisputeApplied>;
  /** The transactionId of the payment whose provider reference is `providerRef` (a PaymentIntent id), or null. */
  findByProviderRef(providerRef: string): Promise<string | null>;
  /** Counts an incident fleet-wide. */
  countIncident(kind: LedgerIncident): Promise<void>;
  /** Stores the report of the last reconciliation pass. */
  saveReconcileReport(report: ReconcileReport): Promise<void>;
  /** What is undecided now and the incident counters. */
  health(now: number): Promise<PaymentLedgerHealth>;
}

/** The order value of a record in a scan of `status`. */
export function scanOrderValue(status: ScanQuery['status'], record: PaymentRecord): number {
  return status === PaymentStatus.pending ? (record.leaseUntil ?? 0) : record.updatedAt;
}

/** Hash that identifies "the same request" for a transactionId. */
export function requestHash(
  r: Pick<PaymentRequest, 'amount' | 'currency' | 'paymentMethod'> & { paymentMethodId?: string | undefined },
): string {
  // The provider's payment method joins the hash only when given, so records written without one keep their hash.
  const method = r.paymentMethodId ? `${r.paymentMethod}|${r.paymentMethodId}` : r.paymentMethod;
  return createHash('sha256').update(`${r.amount}|${r.currency}|${method}`).digest('hex');
}
