import { PaymentStatus, type ProcessPaymentResult } from '../api/index.js';
import type { LedgerVersion, PaymentRecord } from './ledger/paymentLedger.js';
import { toMajorUnits } from './money.js';
import type { PaymentRequest } from './paymentRequest.js';

/** What one call knows about the payment it holds the claim for. */
export interface CallContext {
  /** The request (amount in integer minor units). */
  req: PaymentRequest;
  claimId: string;
  /** Attempts recorded by earlier calls for this transactionId. */
  priorAttempts: number;
  /** The provider's reference of the payment. */
  ref: string;
  /** Until when this call holds its claim (extended by lease renewals). */
  leaseUntil: number;
  /** The last moment an attempt may run with this idempotency key. */
  keyUsableUntil: number;
  /** The record as this call claimed it, and the ledger's version of it (null once the record changed). */
  claimed: { record: PaymentRecord; version: LedgerVersion | null };
  /** Send time of the last open attempt, this call's or an earlier one's (see PaymentRecord.openAttemptAt). */
  openAttemptAt: number | null | undefined;
}

/** Statuses a call answers with a result rather than an error. */
const ANSWERED = [
  PaymentStatus.succeeded,
  PaymentStatus.declined,
  PaymentStatus.requiresAction,
  PaymentStatus.processing,
] as const;
const isAnswered = (s: PaymentStatus): s is (typeof ANSWERED)[number] => (ANSWERED as readonly string[]).includes(s);

/** The caller's answer for a final or waiting record (amount back in major units). */
export function toResult(
  transactionId: string,
  r: Pick<PaymentRecord, 'amount' | 'currency' | 'status' | 'attempts' | 'chargeId' | 'declineCode'>,
  replayed: boolean,
  clientSecret?: string,
): ProcessPaymentResult {
  const status = r.status;
  if (!isAnswered(status)) throw new Error(`payment ${transactionId} is ${status}: nothing to answer`);
  return {
    transactionId,
    status,
    chargeId: r.chargeId ?? '',
    amount: toMajorUnits(r.amount, r.currency),
    currency: r.currency,
    attempts: r.attempts,
    replayed,
    ...(r.declineCode ? { declineCode: r.declineCode } : {}),
    ...(clientSecret ? { clientSecret } : {}),
  };
}
