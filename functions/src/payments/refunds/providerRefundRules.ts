import { RefundStatus, type RefundSource } from '../../api/index.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import { totalsOf, type ProviderRefundResult, type RefundRecord } from './refundLedger.js';
import { refundMismatch, type ProviderRefund } from './refundProvider.js';
import { none, type RefundStep } from './refundRules.js';
import { applyDelta, totalsDelta } from './refundTotals.js';

/** May the provider's word move a refund from `from` to `to`? Never out of failed, never back to pending from final. */
function moves(from: RefundStatus, to: ProviderRefund['status']): boolean {
  if (from === RefundStatus.failed) return false;
  if (from === RefundStatus.succeeded) return to === RefundStatus.failed;
  if (from === RefundStatus.unknown) return true;
  return to !== RefundStatus.pending; // pending -> succeeded / failed
}

/**
 * The provider's truth (RefundLedger.recordProviderRefund): creates the
 * refund when absent (made outside the product, or before its call could
 * write), moves its status by {@link moves}, and fills in the provider's id.
 * Ends any claim on it: a call or reconciliation holding it then finds its
 * claim lost and answers the refund as it stands. A refund of another amount,
 * currency or provider id changes nothing.
 */
export function providerRefundStep(
  payment: PaymentRecord | undefined,
  refund: RefundRecord | undefined,
  transactionId: string,
  pr: ProviderRefund & { refundId: string },
  source: RefundSource,
  now: number,
): RefundStep<ProviderRefundResult> {
  if (!payment)
    return none({ written: false, refund: null, previous: null, refundedAmount: 0, pendingRefundAmount: 0 });
  const totals = totalsOf(payment);
  const unchanged = (r: RefundRecord) => none({ written: false, refund: r, previous: r.status, ...totals });
  if (!refund) {
    const record: RefundRecord = {
      refundId: pr.refundId,
      transactionId,
      amount: pr.amount,
      currency: pr.currency.toUpperCase(),
      reason: null,
      status: pr.status,
      providerRefundId: pr.providerRefundId,
      source,
      uid: payment.uid,
      paymentRef: payment.providerRef ?? transactionId,
      requestedBy: null,
      // Never the hash of a request: a callable refund with this refundId is a conflict.
      requestHash: `provider|${pr.providerRefundId}`,
      attempts: 0,
      claimId: null,
      leaseUntil: pr.status === RefundStatus.pending ? now : null,
      openAttemptAt: null,
      failureReason: pr.failureReason ?? null,
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    const delta = totalsDelta(pr.amount, null, pr.status);
    return {
      write: { kind: 'create', record },
      totals: delta,
      result: { written: true, refund: record, previous: null, ...applyDelta(totals, delta) },
    };
  }
  const otherRefund = refund.providerRefundId !== null && refund.providerRefundId !== pr.providerRefundId;
  if (otherRefund || refundMismatch(pr, refund)) return unchanged(refund);
  const fillsId = refund.providerRefundId === null;
  if (!moves(refund.status, pr.status)) {
    if (!fillsId || refund.status === RefundStatus.failed) return unchanged(refund);
    const fields = { providerRefundId: pr.providerRefundId, updatedAt: now };
    return {
      write: { kind: 'update', fields },
      totals: null,
      result: { written: true, refund: { ...refund, ...fields }, previous: refund.status, ...totals },
    };
  }
  const fields: Partial<RefundRecord> = {
    status: pr.status,
    providerRefundId: pr.providerRefundId,
    claimId: null,
    leaseUntil: pr.status === RefundStatus.pending ? now : null,
    error: null,
    updatedAt: now,
    ...(pr.failureReason ? { failureReason: pr.failureReason } : {}),
  };
  const delta = totalsDelta(refund.amount, refund.status, pr.status);
  return {
    write: { kind: 'update', fields },
    totals: delta,
    result: { written: true, refund: { ...refund, ...fields }, previous: refund.status, ...applyDelta(totals, delta) },
  };
}
