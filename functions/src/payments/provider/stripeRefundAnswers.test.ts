/** The refund mapping rows the Stripe fake cannot produce, on the SDK's own objects and error classes. */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { providerRefundOf, refundAnswerOf, refundAnswerOfError } from './stripeRefundAnswers.js';

const who = { paymentIntent: 'pi_1', transactionId: 'tx1', refundId: 'rf1' };
const re = (over: Partial<Stripe.Refund>): Stripe.Refund =>
  ({
    id: 're_1',
    amount: 700,
    currency: 'eur',
    payment_intent: 'pi_1',
    metadata: { transactionId: 'tx1', refundId: 'rf1', uid: 'u1' },
    status: 'succeeded',
    failure_reason: undefined,
    ...over,
  }) as Stripe.Refund;

describe('refund statuses', () => {
  it('requires_action is pending, canceled is failed, an unknown status is nothing the port can name', () => {
    expect(providerRefundOf(re({ status: 'requires_action' }))?.status).toBe('pending');
    expect(providerRefundOf(re({ status: 'canceled' }))?.status).toBe('failed');
    expect(providerRefundOf(re({ status: 'failed', failure_reason: 'unknown' }))).toEqual({
      providerRefundId: 're_1',
      refundId: 'rf1',
      status: 'failed',
      amount: 700,
      currency: 'EUR',
      failureReason: 'unknown',
    });
    expect(providerRefundOf(re({ status: null }))).toBeNull();
    expect(providerRefundOf(re({ metadata: {} }))).not.toHaveProperty('refundId');
  });
});

describe('create answers', () => {
  it("only a 200 carrying this refund is definite: another key's refund or status proves nothing", () => {
    expect(refundAnswerOf(re({}), 200, who)).toMatchObject({ kind: 'refund', refund: { status: 'succeeded' } });
    expect(refundAnswerOf(re({}), 202, who)).toEqual({ kind: 'indeterminate', httpStatus: 202 });
    const foreign = re({ metadata: { transactionId: 'tx1', refundId: 'rf2' } });
    expect(refundAnswerOf(foreign, 200, who)).toEqual({ kind: 'indeterminate', httpStatus: 200 });
    expect(refundAnswerOf(re({ payment_intent: 'pi_2' }), 200, who)).toEqual({
      kind: 'indeterminate',
      httpStatus: 200,
    });
    expect(refundAnswerOf(re({ status: 'weird' }), 200, who)).toEqual({ kind: 'indeterminate', httpStatus: 200 });
  });

  it('errors read through the charge table: a 402 refunded nothing, 403 is refused, a 5xx may have refunded', () => {
    const card = new Stripe.errors.StripeCardError({
      statusCode: 402,
      type: 'card_error',
      decline_code: 'card_declined',
    });
    expect(refundAnswerOfError(card, 1000, 0)).toEqual({
      kind: 'rejected',
      httpStatus: 402,
      providerCode: 'card_declined',
    });
    const forbidden = new Stripe.errors.StripePermissionError({ statusCode: 403, type: 'invalid_request_error' });
    expect(refundAnswerOfError(forbidden, 1000, 0)).toMatchObject({ kind: 'rejected', httpStatus: 403 });
    const e503 = new Stripe.errors.StripeAPIError({ statusCode: 503, type: 'api_error' });
    expect(refundAnswerOfError(e503, 1000, 0)).toEqual({ kind: 'server-error', httpStatus: 503, retryable: false });
    const odd = new Stripe.errors.StripeAPIError({ statusCode: 424, type: 'api_error' });
    expect(refundAnswerOfError(odd, 1000, 0)).toEqual({ kind: 'indeterminate', httpStatus: 424 });
    expect(refundAnswerOfError(new Error('boom'), 1000, 0)).toEqual({ kind: 'no-answer', sent: true, reason: 'error' });
  });
});
