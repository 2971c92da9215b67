/**
 * "Not charged" is certain only once the provider's payment can no longer be
 * charged: before the ledger records a payment not charged (`failed`,
 * `declined`, `canceled`), the provider's own payment (a Stripe PaymentIntent,
 * which a customer holding its client secret could still confirm) is canceled.
 * This module asks for the cancel and says what each answer means for the
 * record, per reason the ledger wants to record "not charged"; the handler and
 * reconciliation write it. docs/stripe.md has the table.
 */
import { PaymentStatus } from '../api/index.js';
import type { CancelAnswer, Charge, PaymentProvider } from './provider/paymentProvider.js';
import type { PaymentRequest } from './paymentRequest.js';

/**
 * Why the ledger would record "not charged":
 * - `decline`: the provider declined the confirmation (its payment waits for another method);
 * - `unknown`: an outcome left open, not found at the provider after the settle window;
 * - `abandoned`: a payment waiting for the customer longer than PAYMENT_ACTION_TIMEOUT_MS.
 */
export type NotChargedReason = 'decline' | 'unknown' | 'abandoned';

/** What the record becomes after the cancel. */
export type AfterCancel =
  /** Certainly not charged: record `status`. */
  | {
      kind: 'not-charged';
      status: typeof PaymentStatus.failed | typeof PaymentStatus.declined | typeof PaymentStatus.canceled;
    }
  /** The provider charged (or declined) first: that answer is the truth. */
  | { kind: 'charged'; charge: Charge }
  /** Still waiting (`processing` cannot be canceled; the customer's step, when the cancel went unanswered). */
  | { kind: 'waiting'; status: typeof PaymentStatus.processing | typeof PaymentStatus.requiresPaymentMethod }
  /** Nothing certain: the record stays as it was (`unknown`, or the waiting status it has). */
  | { kind: 'open'; reason: string }
  /** The provider cannot cancel (the generic contract): the reason's old rule applies. */
  | { kind: 'no-cancel' };

/**
 * What a cancel answer means for a payment the ledger would record not
 * charged for `reason`. A decline stays `declined` (its decline code kept); an
 * open outcome or an abandoned payment whose provider payment was canceled is
 * `canceled` (it can never be confirmed again, so `failed`, which a repeat
 * call would charge again, would be wrong); a provider that never had the
 * payment (`not-found`) leaves it `failed`, or `declined` after a decline.
 */
export function afterCancel(reason: NotChargedReason, answer: CancelAnswer): AfterCancel {
  switch (answer.kind) {
    case 'canceled':
      return { kind: 'not-charged', status: reason === 'decline' ? PaymentStatus.declined : PaymentStatus.canceled };
    case 'not-found':
      return { kind: 'not-charged', status: reason === 'decline' ? PaymentStatus.declined : PaymentStatus.failed };
    case 'found':
      return { kind: 'charged', charge: answer.charge };
    case 'not-cancelable':
      return answer.state === 'processing'
        ? { kind: 'waiting', status: PaymentStatus.processing }
        : { kind: 'open', reason: `the provider could not cancel a payment in state ${answer.state}` };
    case 'unsupported':
      return { kind: 'no-cancel' };
    case 'unavailable':
      return reason === 'decline'
        ? { kind: 'waiting', status: PaymentStatus.requiresPaymentMethod }
        : { kind: 'open', reason: `cancel unanswered: ${answer.reason}` };
  }
}

/**
 * Cancels the provider's payment `ref` and reads the answer for `reason`. A
 * provider that made no payment of its own (its reference is the
 * transactionId: the generic contract, or Stripe before a PaymentIntent
 * existed) has nothing to cancel: `no-cancel` without a request.
 */
export async function cancelFirst(
  provider: PaymentProvider,
  ref: string,
  req: PaymentRequest,
  reason: NotChargedReason,
  timeoutMs: number,
): Promise<AfterCancel> {
  if (ref === req.transactionId) return { kind: 'no-cancel' };
  return afterCancel(reason, await provider.cancel(ref, req, timeoutMs));
}
