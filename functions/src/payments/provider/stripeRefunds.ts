/**
 * Refunds on Stripe (the refund port's Stripe half; StripeProvider delegates
 * to it with its own stripe SDK client, so refunds share the charges'
 * `payment-service` pool, and the domain's breaker wraps each attempt as it
 * wraps charges). `refund` creates a Refund of the PaymentIntent with
 * metadata { transactionId, refundId, uid } and an idempotency key derived
 * from the payment and the refundId, so every attempt and every repeat call
 * of a refund is the same request to Stripe. `lookupRefund` retrieves the
 * stored `re_` id, else lists the PaymentIntent's refunds for the one whose
 * metadata names our refundId. The mapping of answers is in stripeRefundAnswers.ts.
 */
import Stripe from 'stripe';
import { hasCode } from '../../resilience/appError.js';
import { HttpTimeoutError, StallWatch } from '../../resilience/http/index.js';
import type { RefundAnswer, RefundLookupAnswer, RefundRequest } from '../refunds/refundProvider.js';
import { transportError } from './stripeAnswers.js';
import {
  isRefundOf,
  providerRefundOf,
  refundAnswerOf,
  refundAnswerOfError,
  refundLookupOfError,
  type RefundIdentity,
} from './stripeRefundAnswers.js';

/**
 * Idempotency key of a refund. A refundId is unique within its payment only
 * (`payments/{transactionId}/refunds/{refundId}`) while Stripe's keys are
 * account-wide, so the key names both.
 */
export const refundKey = (req: Pick<RefundRequest, 'transactionId' | 'refundId'>): string =>
  `${req.transactionId}:refund:${req.refundId}`;

/** Refunds listed per page when a refund is looked up by our refundId (Stripe's maximum). */
const PAGE = 100;

/** The SDK takes whole, positive milliseconds (anything else silently means its 80 s default). */
const sdkTimeout = (ms: number) => Math.max(1, Math.floor(ms));

/** Refunds through one stripe SDK client (see the module comment). */
export class StripeRefunds {
  constructor(private readonly stripe: Stripe) {}

  /** One refund attempt of `amount` (minor units) of the PaymentIntent `paymentRef`. Never throws. */
  async refund(paymentRef: string, req: RefundRequest, timeoutMs: number): Promise<RefundAnswer> {
    // A payment whose record holds no PaymentIntent was never charged at Stripe: refused, nothing sent.
    if (!paymentRef.startsWith('pi_')) return { kind: 'rejected', httpStatus: 400, providerCode: 'no_payment_intent' };
    const watch = StallWatch.start(timeoutMs);
    try {
      const re = await this.stripe.refunds.create(
        {
          payment_intent: paymentRef,
          // Always the exact amount: "the rest" would be another request once another refund moved it.
          amount: req.amount,
          ...(req.reason ? { reason: req.reason } : {}),
          metadata: { transactionId: req.transactionId, refundId: req.refundId, uid: req.uid },
        },
        { idempotencyKey: refundKey(req), timeout: sdkTimeout(timeoutMs) },
      );
      watch.stop();
      return refundAnswerOf(re, re.lastResponse.statusCode, identity(paymentRef, req));
    } catch (err) {
      const timedOut = hasCode(transportError(err), HttpTimeoutError.code);
      return refundAnswerOfError(err, timeoutMs, watch.stop(timedOut ? timeoutMs : undefined));
    }
  }

  /**
   * What became of the refund: the stored `re_` id when known, else the
   * PaymentIntent's refunds (newest first, page by page inside `timeoutMs`)
   * whose metadata names this refund. Never throws.
   */
  async lookupRefund(
    paymentRef: string,
    req: RefundRequest,
    providerRefundId: string | undefined,
    timeoutMs: number,
  ): Promise<RefundLookupAnswer> {
    if (!paymentRef.startsWith('pi_')) return { kind: 'not-found' };
    const who = identity(paymentRef, req);
    if (providerRefundId) return this.retrieve(providerRefundId, who, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    let startingAfter: string | undefined;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'unavailable', reason: 'timeout' };
      let page: Stripe.ApiList<Stripe.Refund>;
      try {
        page = await this.stripe.refunds.list(
          { payment_intent: paymentRef, limit: PAGE, ...(startingAfter ? { starting_after: startingAfter } : {}) },
          { timeout: sdkTimeout(left) },
        );
      } catch (err) {
        return refundLookupOfError(err, `PaymentIntent ${paymentRef}`);
      }
      const mine = page.data.find((re) => isRefundOf(re, who));
      if (mine) return found(mine);
      if (!page.has_more || page.data.length === 0) return { kind: 'not-found' };
      startingAfter = page.data.at(-1)!.id;
    }
  }

  private async retrieve(id: string, who: RefundIdentity, timeoutMs: number): Promise<RefundLookupAnswer> {
    let re: Stripe.Refund;
    try {
      re = await this.stripe.refunds.retrieve(id, {}, { timeout: sdkTimeout(timeoutMs) });
    } catch (err) {
      return refundLookupOfError(err, `Refund ${id}`);
    }
    // Never read another refund as this one's outcome.
    if (!isRefundOf(re, who)) return { kind: 'unavailable', reason: `Refund ${id} belongs to another refund` };
    return found(re);
  }
}

function identity(paymentRef: string, req: RefundRequest): RefundIdentity {
  return { paymentIntent: paymentRef, transactionId: req.transactionId, refundId: req.refundId };
}

function found(re: Stripe.Refund): RefundLookupAnswer {
  const refund = providerRefundOf(re);
  return refund
    ? { kind: 'found', refund }
    : { kind: 'unavailable', reason: `Refund ${re.id} has status ${re.status}` };
}
