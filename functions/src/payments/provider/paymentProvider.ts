import type { HealthResult } from '../../resilience/http/index.js';
import type { PaymentRequest } from '../paymentRequest.js';
import type { ProviderMoney } from './providerMoney.js';

/** Service name of the payment provider in the pool and breaker registries. */
export const PAYMENT_SERVICE = 'payment-service';

/**
 * A definite answer about money: charged, or declined by the issuer. `amount`
 * (minor units) and `currency` are the provider's, when it says them; every
 * charge answer and lookup is checked against the payment, and a missing one
 * is a mismatch.
 */
export type Charge = (
  { kind: 'succeeded'; chargeId: string } | { kind: 'declined'; chargeId: string; declineCode: string }
) & { amount?: number; currency?: string };

/**
 * The provider's reading of one charge attempt, in the provider's own terms
 * translated to ours. Transport faults are answers too (`no-answer`), so the
 * handler never needs to know the wire format or the HTTP layer's errors.
 */
export type ChargeAnswer = (
  | Charge
  /** A final refusal that charged nothing (bad request, auth, conflict...). */
  | { kind: 'rejected'; httpStatus: number; providerCode?: string }
  /** Rate limited: nothing was charged; retry after the delay. */
  | { kind: 'rate-limited'; retryAfterMs: number | null }
  /**
   * The provider failed (a status of its contract) in a way that may or may not
   * have charged; it is done processing. `retryable: false` when the provider
   * replays the same answer for the same idempotency key (Stripe saves 500s):
   * then only a lookup can tell.
   */
  | { kind: 'server-error'; httpStatus: number; retryable?: boolean; isolated?: boolean }
  /**
   * The provider accepted the payment and is waiting: for the customer
   * (`requires_action`, e.g. 3-D Secure, finished client-side with
   * `clientSecret`) or for the network (`processing`). Settled later by a
   * webhook, a lookup or a repeat call.
   */
  | { kind: 'pending'; state: PendingState; clientSecret?: string }
  /** The same idempotency key is being processed right now (Stripe 409 `idempotency_key_in_use`): retry shortly. */
  | { kind: 'busy'; retryAfterMs: number | null }
  /**
   * An answer outside the contract (202 processing, 204, 3xx, 408, an unreadable
   * 2xx...): may be charged, and the provider may still be processing it.
   */
  | { kind: 'indeterminate'; httpStatus: number }
  /**
   * No answer. `sent: false` is certainty that the request never reached the
   * provider. `local: true` when the instance's own trouble caused it (no free
   * socket or concurrency slot before the deadline, its event loop stalled):
   * not a provider failure.
   */
  | { kind: 'no-answer'; sent: boolean; reason: string; local?: boolean; cause?: unknown; isolated?: boolean }
) & {
  /** Which endpoint answered (`endpoint-<n>`, in PAYMENT_SERVICE_URL order), when the provider has several. */
  endpoint?: string;
};

/**
 * `isolated: true` on a failure (`server-error`, `no-answer`) means it is
 * confined to one endpoint of a provider with several, which outlier ejection
 * took out of rotation while others serve: the provider as a whole is not
 * failing, so the fleet breaker does not count it.
 */

/**
 * Why a payment accepted by the provider has no final outcome yet: the customer
 * must act (`requires_action`, e.g. 3-D Secure), an attempt failed and the
 * customer may confirm again with another method (`requires_payment_method`),
 * or the network is working on it (`processing`).
 */
export type PendingState = 'requires_action' | 'requires_payment_method' | 'processing';

/** What a lookup of a payment at the provider said. */
export type LookupAnswer =
  | { kind: 'found'; charge: Charge }
  /** Known to the provider, not final yet. */
  | { kind: 'pending'; state: PendingState; clientSecret?: string }
  /** The provider's payment was canceled: it can never be charged. */
  | { kind: 'canceled' }
  | { kind: 'not-found' }
  | { kind: 'unavailable'; reason: string };

/**
 * What asking the provider to cancel a payment said. Cancel is idempotent:
 * repeating it for a canceled payment answers `canceled` again.
 */
export type CancelAnswer =
  /** The provider's payment is canceled: it can never be charged. */
  | { kind: 'canceled' }
  /** Refused because the payment was charged (or declined) first: that answer is the truth. */
  | { kind: 'found'; charge: Charge }
  /** Refused because the provider is still working on it (`processing`): ask again later. */
  | { kind: 'not-cancelable'; state: string }
  /** The provider has no such payment (its own not-found). */
  | { kind: 'not-found' }
  /** The provider cannot cancel payments (the generic contract): only a lookup can prove "not charged". */
  | { kind: 'unsupported' }
  /** No definite answer (transport, 5xx, an unreadable answer). */
  | { kind: 'unavailable'; reason: string };

/**
 * Thrown by `prepare` when the provider refused the request itself (a 4xx
 * other than auth, conflict or rate limit): nothing was charged, and sending it
 * again would be refused again.
 */
export class PrepareRefusedError extends Error {
  constructor(readonly answer: Extract<ChargeAnswer, { kind: 'rejected' }>) {
    super(
      `the provider refused the payment (HTTP ${answer.httpStatus}${answer.providerCode ? ` ${answer.providerCode}` : ''})`,
    );
    this.name = 'PrepareRefusedError';
  }
}

/**
 * The payment provider port. One adapter per provider (the documented generic
 * contract, Stripe); nothing outside an adapter knows its wire format.
 */
export interface PaymentProvider {
  /** Name of the provider's HTTP pool and circuit breaker. */
  readonly service: string;
  /** The provider's currencies, minor units and amount rules. */
  readonly money: ProviderMoney;
  /**
   * Creates what the provider needs before money can move, without moving any,
   * and returns the provider's reference for the payment; the caller stores it
   * on the record before anything is sent, and uses the stored one from then on.
   * The generic contract needs nothing: its reference is the transactionId
   * pinned to an endpoint. Throws {@link PrepareRefusedError} when the provider
   * refused the request.
   */
  prepare(req: PaymentRequest, timeoutMs: number): Promise<string>;
  /**
   * The reference of a new payment, when the provider can name it without any
   * I/O (the generic contract's endpoint pin): the claim stores it on the new
   * record, so nothing more is written before the first attempt and
   * {@link prepare} is skipped. Absent for providers that create something
   * first (Stripe's PaymentIntent).
   */
  referenceAtClaim?(req: PaymentRequest): string;
  /** One charge attempt; every attempt of a payment carries the same idempotency key. Never throws. */
  charge(ref: string, req: PaymentRequest, timeoutMs: number): Promise<ChargeAnswer>;
  /** Asks the provider what became of the payment. Never throws. */
  lookup(ref: string, req: PaymentRequest, timeoutMs: number): Promise<LookupAnswer>;
  /**
   * Cancels the provider's payment `ref` so it can never be charged (Stripe:
   * cancels the PaymentIntent; repeating it is safe, a canceled one answers
   * `canceled` again). Never throws. Providers without a cancel answer `unsupported`.
   */
  cancel(ref: string, req: PaymentRequest, timeoutMs: number): Promise<CancelAnswer>;
  /** A cheap request that proves the provider is reachable; recorded in the pool's health. */
  checkHealth(): Promise<HealthResult>;
}

/** True when an answer leaves open whether money moved. */
export function mayBeCharged(answer: ChargeAnswer): boolean {
  return answer.kind === 'server-error' || holdsSettleWindow(answer);
}

/**
 * True when the provider may still be working on the request after answering
 * (or not answering) it, so a lookup that finds nothing proves nothing until
 * PAYMENT_SETTLE_MS after the attempt was sent.
 */
export function holdsSettleWindow(answer: ChargeAnswer): boolean {
  return answer.kind === 'indeterminate' || answer.kind === 'busy' || (answer.kind === 'no-answer' && answer.sent);
}

/**
 * True when a provider's charge is not provably the payment it answers for:
 * another amount or currency, or either one missing (an answer that does not
 * say what it charged proves nothing about this payment's money).
 */
export function chargeMismatch(charge: Charge, req: Pick<PaymentRequest, 'amount' | 'currency'>): boolean {
  return (
    charge.amount !== req.amount ||
    charge.currency === undefined ||
    charge.currency.toUpperCase() !== req.currency.toUpperCase()
  );
}
