/**
 * The webhook's settlement racing the payment call it settles, in the memory
 * ledger: Stripe has charged and its `payment_intent.succeeded` event is
 * settled before the call's own finalize (as the emulator test once saw).
 * The call's prepare stores the PaymentIntent's id (`pi_1`) as Stripe's does.
 */
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { ok, pay, paymentWorld } from '../payments/testing/handlerKit.js';
import { settleFromIntent, type SettleOutcome } from './stripeSettlement.js';

let w: ReturnType<typeof paymentWorld>;
let logged: { event: string; severity: string | undefined }[];
beforeEach(() => {
  w = paymentWorld();
  w.providerRef = () => 'pi_1';
  logged = [];
});

/** The PaymentIntent of `pay()` (txn_1 of u1, 25.99 USD) as Stripe's event carries it once `ok` charged it. */
const succeededIntent = {
  id: 'pi_1',
  object: 'payment_intent',
  status: 'succeeded',
  amount: 2599,
  currency: 'usd',
  latest_charge: 'ch_1',
  last_payment_error: null,
  metadata: { transactionId: 'txn_1', uid: 'u1' },
} as unknown as Stripe.PaymentIntent;

/** Settles the event through the webhook's code, as a delivery would. */
const deliver = (pi: Stripe.PaymentIntent): Promise<SettleOutcome> =>
  settleFromIntent(
    { ledger: w.ledger, now: w.now, emit: ({ type, severity }) => logged.push({ event: type, severity }) },
    'txn_1',
    pi,
    'evt_1',
    Math.floor(w.clock / 1000),
  );

describe('a webhook settling a payment while its call is still pending', () => {
  it('the record keeps the attempts the call sent, and the first answer equals the replay', async () => {
    const settled: SettleOutcome[] = [];
    const { handler, provider } = w.handlerWith([
      async () => {
        settled.push(await deliver(succeededIntent));
        return ok;
      },
    ]);
    const first = await handler.processPayment(pay(), 'u1');
    expect(settled).toEqual(['succeeded']);
    expect(first).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', attempts: 1, replayed: false });
    expect(await w.record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', attempts: 1, claimId: null });

    const replay = await w.handlerWith().handler.processPayment(pay(), 'u1');
    expect(replay).toEqual({ ...first, replayed: true });
    expect(provider.count('charge')).toBe(1);
    expect(logged.filter((e) => e.severity === 'ERROR')).toEqual([]);
    expect(w.events.filter((e) => e.severity === 'ERROR')).toEqual([]);
  });

  it('an event delivered after the call finalized leaves the record as the call wrote it', async () => {
    const first = await w.handlerWith([ok]).handler.processPayment(pay(), 'u1');
    const before = await w.record();
    expect(await deliver(succeededIntent)).toBe('unchanged');
    expect(await w.record()).toEqual(before);
    expect(await w.handlerWith().handler.processPayment(pay(), 'u1')).toEqual({ ...first, replayed: true });
  });
});
