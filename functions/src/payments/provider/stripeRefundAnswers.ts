/**
 * How Stripe's refund answers read in the refund port's terms: a Refund
 * object after a create, a retrieve or a list, and the stripe SDK's errors
 * (through the charge table of stripeAnswers.ts, so one table says what a
 * Stripe error means for money). Pure functions, unit-testable without a server.
 */
import type Stripe from 'stripe';
import type { ProviderRefund, RefundAnswer, RefundLookupAnswer } from '../refunds/refundProvider.js';
import { chargeAnswerOfError, lookupAnswerOfError } from './stripeAnswers.js';

/**
 * A Stripe refund's status in the port's words, or null for one the port
 * cannot name. `requires_action` (Stripe waits for the customer's details,
 * never for cards) is still pending; `canceled` never moved money: failed.
 */
function statusOf(status: string | null): ProviderRefund['status'] | null {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'pending' || status === 'requires_action') return 'pending';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return null;
}

/** The id of a Stripe object field that may be expanded. */
function idOf(value: string | { id: string } | null): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/** A Stripe refund in the port's terms (currency upper case, as payments'); null for a status the port cannot name. */
export function providerRefundOf(re: Stripe.Refund): ProviderRefund | null {
  const status = statusOf(re.status);
  if (status === null) return null;
  const refundId = re.metadata?.refundId;
  return {
    providerRefundId: re.id,
    ...(refundId ? { refundId } : {}),
    status,
    amount: re.amount,
    currency: re.currency.toUpperCase(),
    ...(re.failure_reason ? { failureReason: re.failure_reason } : {}),
  };
}

/** Which refund of ours a Stripe refund is: the PaymentIntent it refunds, and its metadata. */
export interface RefundIdentity {
  paymentIntent: string;
  transactionId: string;
  refundId: string;
}

/** True when `re` is the refund `who` names: its PaymentIntent, and our transactionId and refundId in its metadata. */
export function isRefundOf(re: Stripe.Refund, who: RefundIdentity): boolean {
  return (
    idOf(re.payment_intent) === who.paymentIntent &&
    re.metadata?.transactionId === who.transactionId &&
    re.metadata?.refundId === who.refundId
  );
}

/**
 * A refund answered by create. Only a 200 carrying this refund (its
 * PaymentIntent and our metadata: a key's saved answer must be this refund's)
 * with a status the port knows is definite; anything else may have refunded.
 */
export function refundAnswerOf(re: Stripe.Refund, httpStatus: number, who: RefundIdentity): RefundAnswer {
  const refund = httpStatus === 200 && isRefundOf(re, who) ? providerRefundOf(re) : null;
  return refund ? { kind: 'refund', refund } : { kind: 'indeterminate', httpStatus };
}

/**
 * What a failed create means for the money, read through the charge table:
 * transport failures, saved 500s, 409 (key in use) and 429 keep their meaning;
 * a 4xx refusal (`amount_too_large`, `charge_already_refunded`,
 * `charge_not_refundable`, `resource_missing`, `idempotency_error`...) refunded nothing.
 */
export function refundAnswerOfError(err: unknown, timeoutMs: number, stalledMs: number): RefundAnswer {
  const a = chargeAnswerOfError(err, timeoutMs, stalledMs);
  switch (a.kind) {
    case 'no-answer':
      return { kind: 'no-answer', sent: a.sent, reason: a.reason, ...(a.local ? { local: true } : {}) };
    case 'rejected':
    case 'rate-limited':
    case 'busy':
    case 'indeterminate':
      return a;
    case 'server-error':
      return {
        kind: 'server-error',
        httpStatus: a.httpStatus,
        ...(a.retryable === undefined ? {} : { retryable: a.retryable }),
      };
    case 'declined':
      // A 402 to a refund is a refusal of the request: no money moved back.
      return { kind: 'rejected', httpStatus: 402, ...(a.declineCode ? { providerCode: a.declineCode } : {}) };
    default:
      // A charge state in a refund's error is outside what Stripe answers here: it proves nothing.
      return { kind: 'indeterminate', httpStatus: 0 };
  }
}

/**
 * What a failed retrieve or list means. Stripe's `resource_missing` for a
 * refund or PaymentIntent id we stored is no proof of anything: every stored
 * id came from this account (another account's key misses it), so it is unavailable.
 */
export function refundLookupOfError(err: unknown, what: string): RefundLookupAnswer {
  const a = lookupAnswerOfError(err);
  if (a.kind === 'unavailable') return a;
  return { kind: 'unavailable', reason: `${what} is missing: is PAYMENT_API_KEY the account that made it?` };
}
