import { PaymentStatus, type ProcessPaymentResult } from '../api/index.js';
import type { LedgerVersion, PaymentRecord } from './ledger/paymentLedger.js';
import { toMajorUnits } from './money.js';
import type { PaymentRequest } from './paymentRequest.js';
import type { CallHistory } from './history/callHistory.js';
import type { ProviderMoney } from './provider/providerMoney.js';

/** A call's hold on its payment, fixed when the claim was taken. */
export interface ClaimHold {
  /** The request (amount in integer minor units). */
  readonly req: PaymentRequest;
  readonly claimId: string;
  /** The record as this call claimed it (its `attempts` are earlier calls'). */
  readonly record: PaymentRecord;
  /** The last moment an attempt may run with this idempotency key. */
  readonly keyUsableUntil: number;
  /** What the call did at the provider, recorded in the payment's history with its outcome. */
  readonly history: CallHistory;
}

/**
 * Where a call stands when it writes its outcome. Each step (prepare, the
 * attempts) returns a new one; none is changed in place.
 */
export interface CallState {
  /** Attempts this call sent to the provider. */
  readonly sent: number;
  /** The ledger's version of the record as claimed; null once this call changed the record (lease, reference). */
  readonly version: LedgerVersion | null;
  /** Send time of the last open attempt, this call's or an earlier one's (see PaymentRecord.openAttemptAt). */
  readonly openAttemptAt: number | null | undefined;
}

/** Statuses a call answers with a result rather than an error. */
const ANSWERED = [
  PaymentStatus.succeeded,
  PaymentStatus.declined,
  PaymentStatus.canceled,
  PaymentStatus.requiresAction,
  PaymentStatus.requiresPaymentMethod,
  PaymentStatus.processing,
] as const;
const isAnswered = (s: PaymentStatus): s is (typeof ANSWERED)[number] => (ANSWERED as readonly string[]).includes(s);

/**
 * The caller's answer to a payment this call settled: the request's amount
 * and currency with the outcome it wrote (the one place a call's answer reads them).
 */
export function answerFor(
  req: PaymentRequest,
  outcome: Pick<PaymentRecord, 'status' | 'attempts' | 'chargeId' | 'declineCode'>,
  replayed: boolean,
  money: Pick<ProviderMoney, 'minorDigits'>,
  clientSecret?: string,
): ProcessPaymentResult {
  return toResult(
    req.transactionId,
    { amount: req.amount, currency: req.currency, ...outcome },
    replayed,
    money,
    clientSecret,
  );
}

/** The caller's answer for a final or waiting record (amount back in major units, by the provider's minor units). */
export function toResult(
  transactionId: string,
  r: Pick<PaymentRecord, 'amount' | 'currency' | 'status' | 'attempts' | 'chargeId' | 'declineCode'>,
  replayed: boolean,
  money: Pick<ProviderMoney, 'minorDigits'>,
  clientSecret?: string,
): ProcessPaymentResult {
  const status = r.status;
  if (!isAnswered(status)) throw new Error(`payment ${transactionId} is ${status}: nothing to answer`);
  return {
    transactionId,
    status,
    chargeId: r.chargeId ?? '',
    amount: toMajorUnits(r.amount, money.minorDigits(r.currency)),
    currency: r.currency,
    attempts: r.attempts,
    replayed,
    // A late success over a decline keeps the record's decline code; the answer says it only for a decline.
    ...(r.declineCode && status === PaymentStatus.declined ? { declineCode: r.declineCode } : {}),
    ...(clientSecret ? { clientSecret } : {}),
  };
}
