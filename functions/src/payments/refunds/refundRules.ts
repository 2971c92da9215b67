import { PaymentStatus, RefundStatus, type ErrorCode, type PaymentHistoryEvent } from '../../api/index.js';
import type { AppError } from '../../resilience/appError.js';
import { PaymentNotFoundError } from '../paymentErrors.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import {
  RefundConflictError,
  RefundExceedsRefundableError,
  RefundFailedError,
  RefundInProgressError,
  RefundPaymentNotSucceededError,
} from './refundErrors.js';
import {
  refundRequestHash,
  totalsOf,
  type RefundClaim,
  type RefundClaimRequest,
  type RefundFinalizeResult,
  type RefundOutcome,
  type RefundRecord,
  type RefundTotals,
} from './refundLedger.js';
import { applyDelta, refundableOf, totalsDelta } from './refundTotals.js';

/**
 * The refund ledger's rules as pure steps over one payment and one of its
 * refunds, shared by every RefundLedger so Firestore and memory cannot
 * disagree (the style of ledger/ledgerRules.ts: no clock, no side effects,
 * ids chosen by the caller; a step may run more than once). A step says what
 * to write to the refund and how the payment's totals move (refundTotals.ts).
 * The provider's own word about a refund is providerRefundRules.ts.
 */

/** What a step writes to the refund. */
export type RefundWrite =
  { kind: 'create'; record: RefundRecord } | { kind: 'update'; fields: Partial<RefundRecord> } | { kind: 'none' };

/** A step's writes and its answer; `totals` are changes (minor units), written in the same commit. */
export interface RefundStep<T> {
  write: RefundWrite;
  totals: RefundTotals | null;
  result: T;
  /** The payment's history events recording the write (refundHistory.ts), appended in the same commit. */
  events?: readonly PaymentHistoryEvent[];
}

/** A claim the ledger refuses, once the caller's spend is written. */
export interface RefusedRefund {
  kind: 'refused';
  error: AppError<ErrorCode>;
}

/** A step that writes nothing. */
export const none = <T>(result: T): RefundStep<T> => ({ write: { kind: 'none' }, totals: null, result });

/**
 * Claim rule (RefundLedger.claimRefund). Admins refund any user's payment, so
 * the payment's uid is not checked. In order:
 * - no payment -> not found; not `succeeded` -> refused naming its status;
 * - a bad amount -> INVALID_ARGUMENT (thrown: nothing written, nothing spent);
 * - the refundId exists with other parameters -> conflict;
 * - `succeeded`, or `pending` at the provider (no claim) -> replay;
 * - `pending` under a live claim -> in progress;
 * - `failed` after the provider made it -> refused as failed (final);
 * - `unknown`, or `pending` whose call died -> claimed, to be looked up first;
 * - new, or `failed` without a provider refund (nothing was refunded) -> claimed if the amount
 *   (default: all that is left) is at most amount - refundedAmount - pendingRefundAmount, else refused.
 */
export function claimRefundStep(
  payment: PaymentRecord | undefined,
  refund: RefundRecord | undefined,
  req: RefundClaimRequest,
  claimId: string,
  now: number,
  leaseMs: number,
): RefundStep<RefundClaim | RefusedRefund> {
  const { transactionId, refundId } = req;
  const refuse = (error: AppError<ErrorCode>) => none<RefusedRefund>({ kind: 'refused', error });
  if (!payment) return refuse(new PaymentNotFoundError(transactionId));
  if (payment.status !== PaymentStatus.succeeded) {
    return refuse(new RefundPaymentNotSucceededError(transactionId, payment.status));
  }
  const { currency } = payment;
  const asked = req.amount === undefined ? undefined : req.money.toMinor(req.amount, currency);
  const hash = refundRequestHash(asked ?? 'rest', req.reason);
  const totals = totalsOf(payment);
  const lease = { claimId, leaseUntil: now + leaseMs, updatedAt: now };
  if (refund) {
    if (refund.requestHash !== hash) return refuse(new RefundConflictError(transactionId, refundId));
    const { status } = refund;
    if (status === RefundStatus.succeeded || (status === RefundStatus.pending && refund.claimId === null)) {
      return none({ kind: 'replay', refund, totals });
    }
    if (status === RefundStatus.pending && (refund.leaseUntil ?? 0) > now) {
      return refuse(new RefundInProgressError(transactionId, refundId, (refund.leaseUntil ?? now) - now));
    }
    if (status === RefundStatus.failed && refund.providerRefundId !== null) {
      return refuse(new RefundFailedError(transactionId, refundId, refund.failureReason));
    }
    if (status !== RefundStatus.failed) {
      // unknown, or a dead call's pending: maybe refunded, already counted as pending.
      const settleFrom = Math.max(
        refund.openAttemptAt ?? 0,
        status === RefundStatus.pending ? (refund.leaseUntil ?? 0) : 0,
      );
      const fields = { ...lease, status: RefundStatus.pending };
      return {
        write: { kind: 'update', fields },
        totals: null,
        result: {
          kind: 'claimed',
          claimId,
          refund: { ...refund, ...fields },
          totals,
          resolveFirst: true,
          settleFrom: settleFrom || null,
          version: null,
          fresh: false,
        },
      };
    }
  }
  const refundable = refundableOf(payment);
  const amount = asked ?? refundable;
  if (amount <= 0 || amount > refundable) {
    return refuse(new RefundExceedsRefundableError(transactionId, req.money.toMajor(refundable, currency), currency));
  }
  const base = {
    amount,
    status: RefundStatus.pending,
    ...lease,
    openAttemptAt: null,
    failureReason: null,
    error: null,
  };
  const record: RefundRecord = refund
    ? { ...refund, ...base }
    : {
        refundId,
        transactionId,
        currency,
        reason: req.reason,
        providerRefundId: null,
        source: 'callable',
        uid: payment.uid,
        paymentRef: payment.providerRef ?? transactionId,
        requestedBy: req.requestedBy,
        requestHash: hash,
        attempts: 0,
        createdAt: now,
        ...base,
      };
  const delta = totalsDelta(amount, refund ? refund.status : null, RefundStatus.pending);
  return {
    write: refund ? { kind: 'update', fields: base } : { kind: 'create', record },
    totals: delta,
    result: {
      kind: 'claimed',
      claimId,
      refund: record,
      totals: applyDelta(totals, delta),
      resolveFirst: false,
      settleFrom: null,
      version: null,
      fresh: true,
    },
  };
}

/**
 * Finalize rule: only the holder of the claim writes its outcome (and ends the
 * claim); anyone else writes nothing (claimLost). A refund settled meanwhile
 * by the provider's word (recordProviderRefund ends the claim) is answered as
 * it stands.
 */
export function finalizeRefundStep(
  refund: RefundRecord | undefined,
  transactionId: string,
  refundId: string,
  claimId: string,
  outcome: RefundOutcome,
  now: number,
  totals: RefundTotals,
): RefundStep<RefundFinalizeResult> {
  if (!refund) throw new Error(`refund ${refundId} of payment ${transactionId} vanished`);
  if (refund.claimId !== claimId) {
    return none({ written: false, claimLost: true, refund, totals, previous: refund.status });
  }
  const waiting = outcome.status === RefundStatus.pending;
  const fields: Partial<RefundRecord> = {
    status: outcome.status,
    claimId: null,
    leaseUntil: waiting ? (outcome.nextCheckAt ?? now) : null,
    attempts: Math.max(outcome.attempts, refund.attempts),
    openAttemptAt: outcome.openAttemptAt,
    error: outcome.error ?? null,
    updatedAt: now,
  };
  if (outcome.providerRefundId) fields.providerRefundId = outcome.providerRefundId;
  if (outcome.failureReason !== undefined) fields.failureReason = outcome.failureReason;
  // The claim counted the refund as pending; its outcome moves the totals from there.
  const delta = totalsDelta(refund.amount, refund.status, outcome.status);
  const after = { ...refund, ...fields };
  return {
    write: { kind: 'update', fields },
    totals: delta,
    result: {
      written: true,
      claimLost: false,
      refund: after,
      totals: applyDelta(totals, delta),
      previous: refund.status,
    },
  };
}

/**
 * Resolution rule (reconciliation): an `unknown` refund, or a `pending` one
 * whose lease (or next check) ended, unchanged since the scan when
 * `expectedUpdatedAt` is given, is claimed (`pending` under a lease; the
 * totals count both the same). Answers the refund as it was.
 */
export function refundResolutionStep(
  refund: RefundRecord | undefined,
  claimId: string,
  now: number,
  leaseMs: number,
  expectedUpdatedAt?: number,
): RefundStep<{ claimId: string; refund: RefundRecord } | null> {
  const resolvable =
    refund !== undefined &&
    (expectedUpdatedAt === undefined || refund.updatedAt === expectedUpdatedAt) &&
    (refund.status === RefundStatus.unknown ||
      (refund.status === RefundStatus.pending && (refund.leaseUntil ?? 0) <= now));
  if (!resolvable) return none(null);
  const fields = { status: RefundStatus.pending, claimId, leaseUntil: now + leaseMs, updatedAt: now };
  return { write: { kind: 'update', fields }, totals: null, result: { claimId, refund } };
}
