import { PublishedPaymentStatus, type SettledBy } from '../api/index.js';
import type { FinalizeResult, PaymentOutcome, PaymentRecord } from './ledger/paymentLedger.js';
import type { PaymentSettled } from './paymentEvents.js';

/**
 * The `payment.settled` event of one finalize, or null when it tells other
 * systems nothing: the commit did not write the status (a final record met,
 * a lost claim without a definite answer, a failed write), or the status is
 * not one they hear of (unknown, waiting). `before` is the status the writer
 * held the record in: writing that same status back (a cancel that gives a
 * failed record back as it was) is no news; a payment call passes `pending`
 * (its claim), so every call that ends failed tells it.
 */
export function settledEvent(
  transactionId: string,
  record: Pick<PaymentRecord, 'uid' | 'amount' | 'currency'>,
  outcome: Pick<PaymentOutcome, 'status' | 'chargeId' | 'declineCode' | 'error'>,
  result: Pick<FinalizeResult, 'written'>,
  settledBy: SettledBy,
  before: PaymentRecord['status'],
): PaymentSettled | null {
  const status = PublishedPaymentStatus.safeParse(outcome.status);
  if (!result.written || !status.success || outcome.status === before) return null;
  return {
    type: 'payment.settled',
    severity: 'INFO',
    transactionId,
    uid: record.uid,
    amount: record.amount,
    currency: record.currency,
    status: status.data,
    chargeId: outcome.chargeId ?? null,
    declineCode: outcome.declineCode ?? null,
    errorCode: outcome.error?.code ?? null,
    settledBy,
  };
}
