import type { DisputeView, PaymentDispute, PaymentInternals, PaymentView, RefundView } from '../../api/index.js';
import { toMajorUnits } from '../money.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import type { ProviderMoney } from '../provider/providerMoney.js';
import type { RefundRecord } from '../refunds/refundLedger.js';

/** The dispute a payment record may carry. */
type Extras = { dispute?: PaymentDispute | null };

/**
 * What the explorer shows of a ledger record: amounts back in major units by
 * the provider's minor units, and none of the ledger's internals (claim,
 * lease, request hash, provider reference).
 */
export function paymentView(
  transactionId: string,
  record: PaymentRecord,
  money: Pick<ProviderMoney, 'minorDigits'>,
): PaymentView {
  const digits = money.minorDigits(record.currency);
  const stored = (record as PaymentRecord & Extras).dispute;
  const dispute: DisputeView | null = stored ? { ...stored, amount: toMajorUnits(stored.amount, digits) } : null;
  return {
    transactionId,
    uid: record.uid,
    amount: toMajorUnits(record.amount, digits),
    currency: record.currency,
    paymentMethod: record.paymentMethod,
    status: record.status,
    attempts: record.attempts,
    chargeId: record.chargeId || null,
    declineCode: record.declineCode ?? null,
    error: record.error ? { code: record.error.code, message: record.error.message } : null,
    refundedAmount: toMajorUnits(record.refundedAmount ?? 0, digits),
    pendingRefundAmount: toMajorUnits(record.pendingRefundAmount ?? 0, digits),
    dispute,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The ledger's internals an admin sees beside the view. */
export function paymentInternals(record: PaymentRecord): PaymentInternals {
  return {
    providerRef: record.providerRef ?? null,
    leaseUntil: record.leaseUntil ?? null,
    openAttemptAt: record.openAttemptAt ?? null,
  };
}

/** What the explorer shows of one refund: the amount in major units, none of the claim's internals. */
export function refundView(r: RefundRecord, money: Pick<ProviderMoney, 'minorDigits'>): RefundView {
  return {
    refundId: r.refundId,
    amount: toMajorUnits(r.amount, money.minorDigits(r.currency)),
    currency: r.currency,
    reason: r.reason,
    status: r.status,
    providerRefundId: r.providerRefundId,
    source: r.source,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
