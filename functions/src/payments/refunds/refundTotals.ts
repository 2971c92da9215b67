import { RefundStatus } from '../../api/index.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import { totalsOf, type RefundTotals } from './refundLedger.js';

/**
 * The invariant of a payment's refund totals: `refundedAmount` is the sum of
 * its `succeeded` refunds and `pendingRefundAmount` of its `pending` and
 * `unknown` ones (integer minor units), so every status change moves them by
 * {@link totalsDelta}, written in the same commit.
 */

/** What a refund of `amount` in `status` adds to its payment's totals. */
function share(amount: number, status: RefundStatus): RefundTotals {
  return {
    refundedAmount: status === RefundStatus.succeeded ? amount : 0,
    pendingRefundAmount: status === RefundStatus.pending || status === RefundStatus.unknown ? amount : 0,
  };
}

/** How a refund of `amount` going from `from` (null: new) to `to` moves its payment's totals; null when not at all. */
export function totalsDelta(amount: number, from: RefundStatus | null, to: RefundStatus): RefundTotals | null {
  const a = from === null ? share(0, to) : share(amount, from);
  const b = share(amount, to);
  const d = {
    refundedAmount: b.refundedAmount - a.refundedAmount,
    pendingRefundAmount: b.pendingRefundAmount - a.pendingRefundAmount,
  };
  return d.refundedAmount === 0 && d.pendingRefundAmount === 0 ? null : d;
}

/** Totals moved by a delta. */
export function applyDelta(t: RefundTotals, d: RefundTotals | null): RefundTotals {
  if (!d) return t;
  return {
    refundedAmount: t.refundedAmount + d.refundedAmount,
    pendingRefundAmount: t.pendingRefundAmount + d.pendingRefundAmount,
  };
}

/** What is left to refund of a payment, minor units. */
export function refundableOf(payment: PaymentRecord): number {
  const t = totalsOf(payment);
  return Math.max(0, payment.amount - t.refundedAmount - t.pendingRefundAmount);
}
