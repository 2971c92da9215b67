/** The mapping rows the Stripe fake cannot produce (states and statuses Stripe answers rarely), on the SDK's own error classes. */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { HttpConnectionError, HttpPoolConfigError } from '../../resilience/http/index.js';
import {
  cancelAnswerOf,
  cancelAnswerOfError,
  chargeAnswerOf,
  chargeAnswerOfError,
  healthProblem,
  lookupAnswerOf,
  lookupAnswerOfError,
  prepareRefusal,
} from './stripeAnswers.js';

const pi = (over: Partial<Stripe.PaymentIntent>): Stripe.PaymentIntent =>
  ({
    id: 'pi_1',
    amount: 500,
    currency: 'eur',
    client_secret: 'pi_1_secret',
    latest_charge: null,
    last_payment_error: null,
    ...over,
  }) as Stripe.PaymentIntent;

describe('PaymentIntent states', () => {
  it('requires_capture is waiting, canceled is declined, anything but 200 is indeterminate', () => {
    expect(chargeAnswerOf(pi({ status: 'requires_capture' }), 200)).toEqual({ kind: 'pending', state: 'processing' });
    expect(chargeAnswerOf(pi({ status: 'canceled' }), 200)).toEqual({
      kind: 'declined',
      chargeId: 'pi_1',
      declineCode: 'canceled',
      amount: 500,
      currency: 'EUR',
    });
    expect(chargeAnswerOf(pi({ status: 'requires_confirmation' }), 200)).toEqual({
      kind: 'indeterminate',
      httpStatus: 200,
    });
    expect(chargeAnswerOf(pi({ status: 'succeeded' }), 202)).toEqual({ kind: 'indeterminate', httpStatus: 202 });
  });

  it('reads an expanded latest charge; a failed attempt waits for another method; canceled is canceled', () => {
    const charge = { id: 'ch_9' } as Stripe.Charge;
    expect(lookupAnswerOf(pi({ status: 'succeeded', latest_charge: charge }))).toMatchObject({
      charge: { chargeId: 'ch_9' },
    });
    const failed = pi({
      status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'do_not_honor' },
    });
    expect(chargeAnswerOf(failed, 200)).toMatchObject({ kind: 'declined', declineCode: 'do_not_honor' });
    expect(lookupAnswerOf({ ...failed, client_secret: 'pi_1_secret_2' })).toEqual({
      kind: 'pending',
      state: 'requires_payment_method',
      clientSecret: 'pi_1_secret_2',
    });
    expect(lookupAnswerOf(pi({ status: 'requires_payment_method' }))).toEqual({ kind: 'not-found' });
    expect(lookupAnswerOf(pi({ status: 'canceled' }))).toEqual({ kind: 'canceled' });
  });
});

describe('SDK errors', () => {
  it('a 402 without its PaymentIntent still reads as declined; 403 is a refusal; other statuses are off contract', () => {
    const card = new Stripe.errors.StripeCardError({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'lost_card',
      charge: 'ch_2',
    });
    expect(chargeAnswerOfError(card, 1000, 0)).toEqual({
      kind: 'declined',
      chargeId: 'ch_2',
      declineCode: 'lost_card',
    });
    const forbidden = new Stripe.errors.StripePermissionError({ statusCode: 403, type: 'invalid_request_error' });
    expect(chargeAnswerOfError(forbidden, 1000, 0)).toEqual({
      kind: 'rejected',
      httpStatus: 403,
      providerCode: 'invalid_request_error',
    });
    const odd = new Stripe.errors.StripeAPIError({ statusCode: 424, type: 'api_error' });
    expect(chargeAnswerOfError(odd, 1000, 0)).toEqual({ kind: 'indeterminate', httpStatus: 424 });
  });

  it('a request our pool refused to send was never sent', () => {
    const notSent = new Stripe.errors.StripeConnectionError({
      message: 'x',
      detail: new HttpPoolConfigError('payment-service', 'protocol'),
    });
    expect(chargeAnswerOfError(notSent, 1000, 0)).toMatchObject({ kind: 'no-answer', sent: false });
    expect(chargeAnswerOfError(new Error('bug'), 1000, 0)).toMatchObject({
      kind: 'no-answer',
      sent: true,
      reason: 'error',
    });
  });

  it('lookups: 5xx and transport are unavailable; health problems name no secret', () => {
    const e500 = new Stripe.errors.StripeAPIError({ statusCode: 500, type: 'api_error' });
    expect(lookupAnswerOfError(e500)).toEqual({ kind: 'unavailable', reason: 'HTTP 500' });
    const reset = new HttpConnectionError({
      service: 'payment-service',
      errno: 'ECONNRESET',
      mayHaveReachedServer: true,
    });
    const wrapped = new Stripe.errors.StripeConnectionError({ message: 'x', detail: reset });
    expect(lookupAnswerOfError(wrapped)).toEqual({ kind: 'unavailable', reason: 'ECONNRESET' });
    expect(healthProblem(wrapped)).toBe('HTTP_CONNECTION:ECONNRESET');
    expect(healthProblem(e500)).toBe('HTTP_500');
  });

  it("lookups: only Stripe's resource_missing 404 is not found; another 404 (a proxy's) is unanswered", () => {
    const missing = new Stripe.errors.StripeInvalidRequestError({
      statusCode: 404,
      type: 'invalid_request_error',
      code: 'resource_missing',
    });
    expect(lookupAnswerOfError(missing)).toEqual({ kind: 'not-found' });
    const bare = new Stripe.errors.StripeInvalidRequestError({ statusCode: 404, type: 'invalid_request_error' });
    expect(lookupAnswerOfError(bare)).toEqual({ kind: 'unavailable', reason: 'HTTP 404' });
    const other = new Stripe.errors.StripeAPIError({ statusCode: 404, type: 'api_error', code: 'route_missing' });
    expect(lookupAnswerOfError(other)).toEqual({ kind: 'unavailable', reason: 'HTTP 404 route_missing' });
  });

  it("prepare: Stripe's 400/402/404 are refusals with its code; auth, conflicts, 429, 5xx and transport are not", () => {
    const invalid = (statusCode: number, code?: string) =>
      new Stripe.errors.StripeInvalidRequestError({
        statusCode,
        type: 'invalid_request_error',
        ...(code ? { code } : {}),
      });
    expect(prepareRefusal(invalid(400, 'amount_too_large'))).toEqual({
      kind: 'rejected',
      httpStatus: 400,
      providerCode: 'amount_too_large',
    });
    expect(prepareRefusal(invalid(400))).toEqual({
      kind: 'rejected',
      httpStatus: 400,
      providerCode: 'invalid_request_error',
    });
    expect(prepareRefusal(invalid(404, 'resource_missing'))).toMatchObject({ httpStatus: 404 });
    for (const status of [401, 403, 409, 429, 500]) expect(prepareRefusal(invalid(status))).toBeNull();
    const wrapped = new Stripe.errors.StripeConnectionError({
      message: 'x',
      detail: new HttpConnectionError({ service: 'payment-service', errno: 'ECONNRESET', mayHaveReachedServer: true }),
    });
    expect(prepareRefusal(wrapped)).toBeNull();
    expect(prepareRefusal(new Error('bug'))).toBeNull();
  });

  it('cancels: canceled, or the state that refused it; only resource_missing is not found', () => {
    expect(cancelAnswerOf(pi({ status: 'canceled' }))).toEqual({ kind: 'canceled' });
    const refused = (state: Stripe.PaymentIntent.Status) => {
      const err = new Stripe.errors.StripeInvalidRequestError({
        statusCode: 400,
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
      });
      return Object.assign(err, { payment_intent: pi({ status: state, latest_charge: 'ch_1' }) });
    };
    expect(cancelAnswerOfError(refused('succeeded'))).toEqual({
      kind: 'found',
      charge: { kind: 'succeeded', chargeId: 'ch_1', amount: 500, currency: 'EUR' },
    });
    expect(cancelAnswerOfError(refused('canceled'))).toEqual({ kind: 'canceled' });
    expect(cancelAnswerOfError(refused('processing'))).toEqual({ kind: 'not-cancelable', state: 'processing' });
    const missing = new Stripe.errors.StripeInvalidRequestError({
      statusCode: 404,
      type: 'invalid_request_error',
      code: 'resource_missing',
    });
    expect(cancelAnswerOfError(missing)).toEqual({ kind: 'not-found' });
    const e500 = new Stripe.errors.StripeAPIError({ statusCode: 500, type: 'api_error' });
    expect(cancelAnswerOfError(e500)).toEqual({ kind: 'unavailable', reason: 'HTTP 500' });
  });
});
