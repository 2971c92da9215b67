import { createHash } from 'node:crypto';
import type { RefundReason, RefundSource, RefundStatus } from '../../api/index.js';
import type { LedgerVersion, PaymentRecord } from '../ledger/paymentLedger.js';
import type { ProviderRefund } from './refundProvider.js';

/**
 * The refund ledger port (issue #22): refunds are recorded before anything is
 * sent, claimed by one call at a time, and settled like charges. The payment
 * record (`payments/{transactionId}`) keeps its `succeeded` status and gains
 * two totals, `refundedAmount` (succeeded refunds) and `pendingRefundAmount`
 * (`pending` and `unknown` refunds), in integer minor units (absent = 0),
 * always written in the same commit as the refund status they follow.
 * Implementations: MemoryRefundLedger (tests) and FirestoreRefundLedger; both
 * apply the same rules (refundRules.ts).
 */

/** A refund record: `payments/{transactionId}/refunds/{refundId}`. Times are epoch ms, as in payments. */
export interface RefundRecord {
  refundId: string;
  /** The refunded payment (also the parent document's id; stored for collection group queries). */
  transactionId: string;
  /** Integer minor units of the payment's currency. */
  amount: number;
  currency: string;
  reason: RefundReason | null;
  status: RefundStatus;
  /** The provider's id of the refund; null until known. */
  providerRefundId: string | null;
  /** `callable`: made by refundPayment; `provider`: made outside the product (e.g. the Stripe Dashboard). */
  source: RefundSource;
  /** The refunded payment's owner (the provider request's uid). */
  uid: string;
  /** The payment's providerRef ?? transactionId at the claim: what the provider is asked about. */
  paymentRef: string;
  /** The admin who asked for it (callable refunds); null for refunds made outside the product. */
  requestedBy: string | null;
  /** sha256 of the request's parameters as given (see refundRequestHash); a repeat must match it. */
  requestHash: string;
  /** Attempts sent to the provider, over every call for this refundId. */
  attempts: number;
  /** The call (or reconciliation) holding the refund, and until when; null when none. */
  claimId: string | null;
  /**
   * While `pending`: the claim's lease end, or (no claimId: waiting at the
   * provider) when reconciliation should look again. Null otherwise.
   */
  leaseUntil: number | null;
  /** Send time of the last attempt whose outcome was left open: the settle window runs from it. */
  openAttemptAt: number | null;
  /** Why the provider failed it, when it says. */
  failureReason: string | null;
  /** Last error of an `unknown` or `failed` refund: a code and a person-readable message. */
  error: { code: string; message: string } | null;
  createdAt: number;
  updatedAt: number;
}

/** The refunded payment's totals (integer minor units), as one commit left them. */
export interface RefundTotals {
  refundedAmount: number;
  pendingRefundAmount: number;
}

/** The totals of a payment record; absent fields are 0. */
export function totalsOf(p: Pick<PaymentRecord, 'refundedAmount' | 'pendingRefundAmount'>): RefundTotals {
  return { refundedAmount: p.refundedAmount ?? 0, pendingRefundAmount: p.pendingRefundAmount ?? 0 };
}

/** How the ledger reads a requested amount: the provider's minor units of the payment's currency. */
export interface RefundMoney {
  /** Major -> integer minor units of `currency`; throws INVALID_ARGUMENT for an unusable amount. */
  toMinor(amount: number, currency: string): number;
  /** Integer minor units of `currency` -> major (errors and answers). */
  toMajor(minor: number, currency: string): number;
}

/** What `refundPayment` asks the ledger to claim. */
export interface RefundClaimRequest {
  transactionId: string;
  refundId: string;
  /** Major units of the payment's currency; undefined: all that is left. */
  amount: number | undefined;
  reason: RefundReason | null;
  /** The admin asking. Admins refund any user's payment: the payment's uid is not checked. */
  requestedBy: string;
  money: RefundMoney;
  /**
   * The admin's refund seal from `getPayment` (refundSeal.ts), opaque here: a
   * ledger may use it instead of reading the payment and the limits, never to
   * decide differently. The memory ledger ignores it (it reads nothing remote).
   */
  seal?: string | undefined;
}

/** What claiming a refund produced. */
export type RefundClaim =
  /** The refund is settled (`succeeded`, or `pending` at the provider): answered again, nothing written. */
  | { kind: 'replay'; refund: RefundRecord; totals: RefundTotals }
  | {
      kind: 'claimed';
      claimId: string;
      /** The refund as claimed: `pending` under this claim's lease. */
      refund: RefundRecord;
      /** The payment's totals as this claim's commit left them. */
      totals: RefundTotals;
      /** An earlier call may have reached the provider (unknown, or a dead call's pending): look it up first. */
      resolveFirst: boolean;
      /** From when the settle window of earlier attempts runs; null when nothing may be open. */
      settleFrom: number | null;
      /** The adapter's version of the refund as claimed, so the outcome can be one conditional write; null when unknown. */
      version: LedgerVersion | null;
      /** True when this claim wrote a new request (a new refundId, or a failed one asked again): `refund.requested`. */
      fresh: boolean;
    };

/** The outcome a call (or reconciliation) writes under its claim. */
export interface RefundOutcome {
  /** `pending`: accepted by the provider and settled later (the claim ends, `nextCheckAt` set). */
  status: Exclude<RefundStatus, 'pending'> | 'pending';
  /** Attempts sent so far over every call (the record's count plus this call's). */
  attempts: number;
  providerRefundId?: string | null;
  failureReason?: string | null;
  error?: { code: string; message: string } | null;
  /** Send time of the last open attempt; null when none is open. */
  openAttemptAt: number | null;
  /** With `pending`: when reconciliation should look again. */
  nextCheckAt?: number;
}

/** What a refund finalize did. */
export interface RefundFinalizeResult {
  written: boolean;
  /** The caller no longer held its claim: nothing was written (unless the refund was settled meanwhile). */
  claimLost: boolean;
  /** The refund as it stands after this step. */
  refund: RefundRecord;
  /**
   * The payment's totals after this step: exact when read in the step; on the
   * one-write path, the claim's totals moved by this step (another refund of the
   * same payment settled meanwhile is not in them).
   */
  totals: RefundTotals;
  /** The status the refund had before this step. */
  previous: RefundStatus;
}

/** What recordProviderRefund did. */
export interface ProviderRefundResult extends RefundTotals {
  /** False when the provider's word changed nothing (a replayed or out-of-order delivery, or a final refund). */
  written: boolean;
  /** The refund as it stands; null when the payment does not exist. */
  refund: RefundRecord | null;
  /** Its status before; null when this created it. */
  previous: RefundStatus | null;
}

/** Where a refund scan continues: after this refund in the scan's order. */
export interface RefundScanCursor {
  orderValue: number;
  transactionId: string;
  refundId: string;
}

/** One page of refunds reconciliation should look at. */
export interface RefundScanQuery {
  /** `pending` whose lease (or next check) ended before `before`, oldest first; `unknown` updated before `before`. */
  status: 'pending' | 'unknown';
  before: number;
  after?: RefundScanCursor | undefined;
  limit: number;
}

/** A refund reconciliation may resolve. */
export interface UnresolvedRefund {
  transactionId: string;
  refundId: string;
  refund: RefundRecord;
}

/** Refunds as the ledger health counts them. */
export interface RefundHealth {
  /** `pending` refunds: in flight, or accepted by the provider and not settled yet. */
  pendingRefunds: number;
  /** `unknown` refunds: maybe refunded, resolved by lookup and reconciliation. */
  unknownRefunds: number;
}

/** The refund ledger (see the file comment). */
export interface RefundLedger {
  /**
   * Claims `refundId` of payment `transactionId` for one call and writes it
   * ahead of anything sent: creates the `pending` refund (or re-claims a
   * `failed` one the provider never made, an `unknown` one or a dead call's
   * `pending`) and adds its amount to the payment's `pendingRefundAmount`, in
   * one commit; or answers a settled refund again (`replay`). Throws
   * PAYMENT_NOT_FOUND, REFUND_PAYMENT_NOT_SUCCEEDED, INVALID_ARGUMENT (amount),
   * REFUND_EXCEEDS_REFUNDABLE, REFUND_CONFLICT, REFUND_IN_PROGRESS, REFUND_FAILED
   * (a refund the provider failed), and with per-user limits PAYMENT_USER_LIMITED
   * (the caller spends from them atomically with the step, a refusal included).
   * A refusal writes nothing else.
   */
  claimRefund(req: RefundClaimRequest, leaseMs: number): Promise<RefundClaim>;
  /**
   * Writes an outcome under `claimId` with the payment's totals moved in the
   * same commit. Without the claim (lost to reconciliation), nothing is written.
   * `expected` (the refund as claimed, its version and the totals the claim left) lets an adapter write with
   * one conditional commit.
   */
  finalizeRefund(
    transactionId: string,
    refundId: string,
    claimId: string,
    outcome: RefundOutcome,
    expected?: { refund: RefundRecord; version: LedgerVersion | null; totals?: RefundTotals },
  ): Promise<RefundFinalizeResult>;
  /**
   * The provider's truth about one of the payment's refunds (Stripe webhooks;
   * reconciliation's lookups use claims): creates the record when absent
   * (source 'provider': a refund made outside the product), moves
   * pending/unknown -> succeeded/failed/pending, succeeded -> failed; never
   * failed -> anything, never back to pending from a final status; keeps both
   * totals right in the same commit. A replayed or out-of-order delivery
   * changes nothing (written: false). A refund whose amount or currency is not
   * the record's changes nothing either (the caller counts a mismatch).
   */
  recordProviderRefund(
    transactionId: string,
    refund: ProviderRefund & { refundId: string },
    source: RefundSource,
  ): Promise<ProviderRefundResult>;
  /**
   * Claims an `unknown` refund, or a `pending` one whose lease (or next check)
   * ended, for reconciliation; null when it is not resolvable now or (with
   * `expectedUpdatedAt`) changed since it was scanned.
   */
  claimRefundForResolution(
    transactionId: string,
    refundId: string,
    leaseMs: number,
    expectedUpdatedAt?: number,
  ): Promise<{ claimId: string; refund: RefundRecord } | null>;
  /** One page of refunds reconciliation should look at, in a stable order. */
  scanRefunds(query: RefundScanQuery): Promise<UnresolvedRefund[]>;
  /** One refund, or null. */
  getRefund(transactionId: string, refundId: string): Promise<RefundRecord | null>;
  /** The payment's refunds, oldest first. */
  listRefunds(transactionId: string): Promise<RefundRecord[]>;
  /** The refund numbers of the ledger health. */
  refundHealth(now: number): Promise<RefundHealth>;
}

/**
 * Identifies "the same request" for a refundId: the amount as asked (minor
 * units, or "rest" when the whole remainder was asked for) and the reason.
 */
export function refundRequestHash(amount: number | 'rest', reason: RefundReason | null): string {
  return createHash('sha256')
    .update(`refund|${amount}|${reason ?? ''}`)
    .digest('hex');
}

/** The refundId of a refund made outside the product, derived from the provider's id (e.g. `stripe-re_123`). */
export function externalRefundId(provider: string, providerRefundId: string): string {
  return `${provider}-${providerRefundId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}
