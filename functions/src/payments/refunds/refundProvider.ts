import type { RefundReason } from '../../api/index.js';

/**
 * The provider port of refunds (issue #22), implemented beside PaymentProvider
 * by each adapter (the generic contract, Stripe). Nothing outside an adapter
 * knows its wire format. Amounts are integer minor units of the provider.
 */

/** One refund as the domain asks for it. */
export interface RefundRequest {
  /** The refunded payment's transactionId. */
  transactionId: string;
  /** Ours: the refund's idempotency key (generic: `Idempotency-Key: <refundId>`; Stripe: derived from it). */
  refundId: string;
  /** The refunded payment's owner (Stripe: metadata.uid). */
  uid: string;
  /** Integer minor units. */
  amount: number;
  /** ISO 4217, upper case: the payment's currency. */
  currency: string;
  reason?: RefundReason;
}

/** What the provider says of one refund. */
export interface ProviderRefund {
  /** Generic: the refund object's `id`; Stripe: `re_...`. */
  providerRefundId: string;
  /** Ours, when the provider echoes it (generic body; Stripe metadata.refundId). */
  refundId?: string;
  status: 'succeeded' | 'pending' | 'failed';
  /** Minor units; checked against the request like charges (a mismatch is an incident). */
  amount: number;
  currency: string;
  failureReason?: string;
}

/** The provider's reading of one refund attempt. Transport faults are answers too (`no-answer`). */
export type RefundAnswer =
  /** 200/201 with a refund object. */
  (
    | { kind: 'refund'; refund: ProviderRefund }
    /**
     * Nothing refunded, final: 400/401/403, CHARGE_NOT_FOUND, REFUND_EXCEEDS_CHARGE,
     * IDEMPOTENCY_CONFLICT, Stripe's other 4xx.
     */
    | { kind: 'rejected'; httpStatus: number; providerCode?: string }
    /** 429: nothing refunded; retry after the delay. */
    | { kind: 'rate-limited'; retryAfterMs: number | null }
    /** The same key is being processed (IDEMPOTENCY_KEY_IN_USE; Stripe 409 key in use): retry shortly. */
    | { kind: 'busy'; retryAfterMs: number | null }
    /** 5xx: may have refunded. `retryable: false` when the provider replays it for the key (Stripe saves 500s). */
    | { kind: 'server-error'; httpStatus: number; retryable?: boolean }
    /** An answer outside the contract: may have refunded, and the provider may still be working on it. */
    | { kind: 'indeterminate'; httpStatus: number }
    /**
     * No answer. `sent: false` is certainty the request never reached the provider;
     * `local: true` when this instance's own trouble caused it (no socket or slot in time).
     */
    | { kind: 'no-answer'; sent: boolean; reason: string; local?: boolean }
  ) & {
    /** Which endpoint answered, when the provider has several. */
    endpoint?: string;
  };

/** What a lookup of one refund said. */
export type RefundLookupAnswer =
  { kind: 'found'; refund: ProviderRefund } | { kind: 'not-found' } | { kind: 'unavailable'; reason: string };

/**
 * Refunds at the provider. Implemented by GenericProvider (R2) and
 * StripeProvider (R3); the runtime holds `refunds: RefundProvider | null`
 * (null until an adapter exists: `refundPayment` answers `unimplemented`).
 */
export interface RefundProvider {
  /** Name of the provider's HTTP pool and circuit breaker (the PaymentProvider's). */
  readonly service: string;
  /**
   * One attempt; every attempt of a refund carries the same idempotency key.
   * `paymentRef` is the payment record's providerRef ?? transactionId (generic:
   * the endpoint pin; Stripe: the PaymentIntent id). Goes through the
   * provider's HTTP pool like a charge; the domain wraps each attempt in the
   * provider's circuit breaker (as it does charges), so an adapter must not.
   * Never throws.
   */
  refund(paymentRef: string, req: RefundRequest, timeoutMs: number): Promise<RefundAnswer>;
  /**
   * What became of the refund: by `providerRefundId` when known, else by our
   * refundId (generic: GET /refund/<refundId>; Stripe: the PaymentIntent's
   * refunds whose metadata.refundId matches). Never throws.
   */
  lookupRefund(
    paymentRef: string,
    req: RefundRequest,
    providerRefundId: string | undefined,
    timeoutMs: number,
  ): Promise<RefundLookupAnswer>;
}

/** True when an answer leaves open whether the provider refunded. */
export function mayBeRefunded(answer: RefundAnswer): boolean {
  return answer.kind === 'server-error' || holdsRefundSettleWindow(answer);
}

/**
 * True when the provider may still be working on the request after this answer,
 * so a lookup that finds nothing proves nothing until the settle window ends.
 */
export function holdsRefundSettleWindow(answer: RefundAnswer): boolean {
  return answer.kind === 'indeterminate' || answer.kind === 'busy' || (answer.kind === 'no-answer' && answer.sent);
}

/** True when a provider's refund is not provably the one requested: another amount or currency. */
export function refundMismatch(refund: ProviderRefund, req: Pick<RefundRequest, 'amount' | 'currency'>): boolean {
  return refund.amount !== req.amount || refund.currency.toUpperCase() !== req.currency.toUpperCase();
}
