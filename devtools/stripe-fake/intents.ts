/**
 * The Stripe fake's PaymentIntents: the store, the test payment methods and the
 * state machine of the two-step flow (create without confirming, confirm,
 * retrieve, cancel) plus the transitions the control API triggers (finish 3-D
 * Secure, settle a payment that is processing). Every operation answers with
 * the reply to send and the events to deliver; the server decides when.
 */
import { randomBytes } from 'node:crypto';
import {
  missing,
  noSuchPaymentMethod,
  parseCreate,
  str,
  TEST_PAYMENT_METHODS,
  unexpectedState,
  unknownParam,
} from './intentParams.ts';
import { invalidRequest, stripeError } from './wire.ts';
import type { Form, Reply, StripeErrorObject } from './wire.ts';
import type { Charge, PaymentIntent } from './objects.ts';

export { TEST_PAYMENT_METHODS } from './intentParams.ts';
export type { Charge, IntentStatus, PaymentIntent } from './objects.ts';

/** Event types the fake emits. */
export type IntentEventType =
  | 'payment_intent.created'
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.processing'
  | 'payment_intent.requires_action'
  | 'payment_intent.canceled';

/**
 * The answer of an operation, the PaymentIntent it acted on and the events it
 * caused. `saved` is false for a refusal before execution (Stripe keeps no
 * idempotent result for it).
 */
export type Operation = { reply: Reply; piId: string | null; events: IntentEventType[]; saved: boolean };

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const refused = (reply: Reply): Operation => ({ reply, piId: null, events: [], saved: false });

/** Every PaymentIntent and charge, in memory. */
export class Intents {
  private readonly intents = new Map<string, PaymentIntent>();
  private readonly charges: Charge[] = [];

  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** `POST /v1/payment_intents` (two-step flow only: `confirm` must be absent or false). */
  create(form: Form): Operation {
    const p = parseCreate(form);
    if ('status' in p) return refused(p);
    const piId = id('pi');
    const pi: PaymentIntent = {
      id: piId,
      object: 'payment_intent',
      amount: p.amount,
      amount_received: 0,
      currency: p.currency,
      status: p.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
      client_secret: `${piId}_secret_${randomBytes(12).toString('hex')}`,
      created: Math.floor(this.now() / 1000),
      livemode: false,
      metadata: p.metadata,
      payment_method: p.paymentMethod,
      payment_method_types: p.paymentMethodTypes,
      automatic_payment_methods: p.automaticPaymentMethods,
      capture_method: 'automatic',
      confirmation_method: 'automatic',
      latest_charge: null,
      last_payment_error: null,
      next_action: null,
      cancellation_reason: null,
      canceled_at: null,
    };
    this.intents.set(piId, pi);
    return this.answer(pi, ['payment_intent.created']);
  }

  /** `POST /v1/payment_intents/{id}/confirm`. */
  confirm(piId: string, form: Form): Operation {
    const pi = this.intents.get(piId);
    if (!pi) return refused(missing(piId));
    const bad = unknownParam(form, ['payment_method', 'return_url']);
    if (bad) return refused(bad);
    if (pi.status !== 'requires_confirmation' && pi.status !== 'requires_payment_method') {
      return refused(
        unexpectedState(pi, `You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`),
      );
    }
    const pm = str(form.payment_method) ?? pi.payment_method;
    if (!pm)
      return refused(
        unexpectedState(pi, "You cannot confirm this PaymentIntent because it's missing a payment method."),
      );
    if (!TEST_PAYMENT_METHODS[pm]) return refused(noSuchPaymentMethod(pm));
    if (pi.automatic_payment_methods?.allow_redirects === 'always' && str(form.return_url) === undefined) {
      return refused(
        invalidRequest(
          'This PaymentIntent may need a redirect: pass return_url, or create it with automatic_payment_methods[allow_redirects]=never.',
          'parameter_missing',
          'return_url',
        ),
      );
    }
    return this.attempt(pi, pm);
  }

  /**
   * Control: the customer confirms the PaymentIntent client-side, as Stripe.js
   * does with its client secret and another PaymentMethod (after a failed 3-D
   * Secure or a decline, or instead of finishing 3-D Secure). Refused as
   * Stripe refuses it: a wrong secret, or a PaymentIntent that is canceled,
   * succeeded or processing.
   */
  clientConfirm(piId: string, clientSecret: string, paymentMethod: string): Operation {
    const pi = this.intents.get(piId);
    if (!pi) return refused(missing(piId));
    if (clientSecret !== pi.client_secret) {
      const message = 'The client_secret provided does not match the client_secret associated with the PaymentIntent.';
      return refused(invalidRequest(message, 'payment_intent_invalid_parameter', 'client_secret'));
    }
    if (!['requires_action', 'requires_payment_method', 'requires_confirmation'].includes(pi.status)) {
      const message = `You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`;
      return refused(unexpectedState(pi, message));
    }
    if (!TEST_PAYMENT_METHODS[paymentMethod]) return refused(noSuchPaymentMethod(paymentMethod));
    pi.next_action = null;
    return this.attempt(pi, paymentMethod);
  }

  /** One confirmation of `pi` with the test PaymentMethod `pm` (known): its outcome and events. */
  private attempt(pi: PaymentIntent, pm: string): Operation {
    const outcome = TEST_PAYMENT_METHODS[pm]!;
    pi.payment_method = pm;
    pi.last_payment_error = null;
    if (outcome.kind === 'succeeded') return this.succeed(pi);
    if (outcome.kind === 'declined') return this.decline(pi, outcome.declineCode);
    if (outcome.kind === 'processing') {
      pi.status = 'processing';
      return this.answer(pi, ['payment_intent.processing']);
    }
    pi.status = 'requires_action';
    pi.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
    return this.answer(pi, ['payment_intent.requires_action']);
  }

  /** `GET /v1/payment_intents/{id}`. */
  retrieve(piId: string): Reply {
    const pi = this.intents.get(piId);
    return pi ? { status: 200, body: structuredClone(pi) } : missing(piId);
  }

  /** `POST /v1/payment_intents/{id}/cancel`. */
  cancel(piId: string, form: Form): Operation {
    const pi = this.intents.get(piId);
    if (!pi) return refused(missing(piId));
    const bad = unknownParam(form, ['cancellation_reason']);
    if (bad) return refused(bad);
    if (pi.status === 'succeeded' || pi.status === 'canceled' || pi.status === 'processing') {
      return refused(
        unexpectedState(pi, `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`),
      );
    }
    pi.status = 'canceled';
    pi.next_action = null;
    pi.canceled_at = Math.floor(this.now() / 1000);
    pi.cancellation_reason = str(form.cancellation_reason) ?? null;
    return this.answer(pi, ['payment_intent.canceled']);
  }

  /** Control: the customer finished (or failed) 3-D Secure. Null when the PaymentIntent is not waiting for it. */
  completeAuthentication(piId: string, succeed: boolean): Operation | null {
    const pi = this.intents.get(piId);
    if (pi?.status !== 'requires_action') return null;
    pi.next_action = null;
    if (succeed) return this.succeed(pi);
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      type: 'invalid_request_error',
      code: 'payment_intent_authentication_failure',
      message: 'The provided PaymentMethod has failed authentication.',
    };
    return this.answer(pi, ['payment_intent.payment_failed']);
  }

  /** Control: a `processing` payment settles. Null when the PaymentIntent is not processing. */
  settle(piId: string, succeed: boolean): Operation | null {
    const pi = this.intents.get(piId);
    if (pi?.status !== 'processing') return null;
    return succeed ? this.succeed(pi) : this.decline(pi, 'generic_decline');
  }

  /** Copies of every PaymentIntent (oldest first) and charge. */
  snapshot(): { paymentIntents: PaymentIntent[]; charges: Charge[] } {
    return { paymentIntents: structuredClone([...this.intents.values()]), charges: structuredClone(this.charges) };
  }

  clear(): void {
    this.intents.clear();
    this.charges.length = 0;
  }

  private succeed(pi: PaymentIntent): Operation {
    const charge = this.charge(pi, 'succeeded', null);
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.latest_charge = charge.id;
    return this.answer(pi, ['payment_intent.succeeded']);
  }

  /** A card decline: 402 card_error, and the PaymentIntent waits for another payment method (Stripe's behaviour). */
  private decline(pi: PaymentIntent, declineCode: string): Operation {
    const charge = this.charge(pi, 'failed', 'card_declined');
    const error: StripeErrorObject = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: declineCode,
      message: 'Your card was declined.',
      charge: charge.id,
    };
    pi.status = 'requires_payment_method';
    pi.latest_charge = charge.id;
    pi.last_payment_error = error;
    const reply = stripeError(402, { ...error, payment_intent: structuredClone(pi) });
    return { reply, piId: pi.id, events: ['payment_intent.payment_failed'], saved: true };
  }

  private charge(pi: PaymentIntent, status: Charge['status'], failureCode: string | null): Charge {
    const charge: Charge = {
      id: id('ch'),
      payment_intent: pi.id,
      amount: pi.amount,
      currency: pi.currency,
      status,
      failure_code: failureCode,
      amount_refunded: 0,
      refunded: false,
    };
    this.charges.push(charge);
    return charge;
  }

  private answer(pi: PaymentIntent, events: IntentEventType[]): Operation {
    return { reply: { status: 200, body: structuredClone(pi) }, piId: pi.id, events, saved: true };
  }

  /** A copy of the charge `chargeId`, or undefined. */
  chargeOf(chargeId: string): Charge | undefined {
    const charge = this.charges.find((c) => c.id === chargeId);
    return charge ? structuredClone(charge) : undefined;
  }

  /** Records what the refunds of `chargeId` took back (minor units): its `amount_refunded` and `refunded`. */
  setRefunded(chargeId: string, amountRefunded: number): void {
    const charge = this.charges.find((c) => c.id === chargeId);
    if (!charge) return;
    charge.amount_refunded = amountRefunded;
    charge.refunded = amountRefunded >= charge.amount;
  }

  /** The current state of a PaymentIntent (for events), or undefined. */
  get(piId: string): PaymentIntent | undefined {
    const pi = this.intents.get(piId);
    return pi ? structuredClone(pi) : undefined;
  }
}
