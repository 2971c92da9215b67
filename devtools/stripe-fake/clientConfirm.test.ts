import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, stripeFakeControl } from './client.ts';
import { startStripeFake } from './server.ts';
import type { StripeFake } from './server.ts';
import { clientFor } from './testKit.ts';

// The customer's client-side re-confirm (Stripe.js with the client secret and
// another card), through the control client, with the events Stripe would send.

const KEY = 'sk_test_reconfirm';
let fake: StripeFake;
beforeEach(async () => {
  fake = await startStripeFake({ apiKey: KEY });
});
afterEach(() => fake.close());

const { create, confirm, call } = clientFor(() => fake.url, KEY);
const control = () => stripeFakeControl(fake.url);
const eventsOf = (piId: string) =>
  fake
    .events()
    .events.filter((e) => e.data.object.id === piId)
    .map((e) => e.type);

async function failed3ds(tx: string) {
  const { body: pi } = await create(tx, 'pm_card_authenticationRequired');
  expect((await confirm(pi.id, `${tx}:confirm`)).body.status).toBe('requires_action');
  fake.completeAuthentication(pi.id, false);
  return pi;
}

describe('client-side re-confirm', () => {
  it('after a failed 3-D Secure, another card succeeds: one charge, payment_intent.succeeded', async () => {
    const pi = await failed3ds('tx-r1');
    const after = await control().clientConfirm(pi.id, pi.client_secret, 'pm_card_visa');
    expect(after).toMatchObject({ status: 'succeeded', payment_method: 'pm_card_visa', last_payment_error: null });
    const { charges } = fake.ledger();
    expect(charges.filter((c) => c.payment_intent === pi.id && c.status === 'succeeded')).toEqual([
      expect.objectContaining({ id: after.latest_charge }),
    ]);
    expect(eventsOf(pi.id)).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'payment_intent.payment_failed',
      'payment_intent.succeeded',
    ]);
  });

  it('from requires_action, a card that declines: 402 refused, requires_payment_method, payment_failed', async () => {
    const { body: pi } = await create('tx-r2', 'pm_card_authenticationRequired');
    await confirm(pi.id, 'tx-r2:confirm');
    const err = await control()
      .clientConfirm(pi.id, pi.client_secret, 'pm_card_chargeDeclined')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ status: 402, message: 'Your card was declined.' });
    expect(fake.ledger().paymentIntents[0]).toMatchObject({ status: 'requires_payment_method', next_action: null });
    expect(eventsOf(pi.id).at(-1)).toBe('payment_intent.payment_failed');
  });

  it("refuses a canceled PaymentIntent with Stripe's error, and a wrong client secret; nothing changes", async () => {
    const pi = await failed3ds('tx-r3');
    expect((await call('POST', `/v1/payment_intents/${pi.id}/cancel`)).status).toBe(200);
    const canceled = await control()
      .clientConfirm(pi.id, pi.client_secret, 'pm_card_visa')
      .catch((e: unknown) => e);
    expect(canceled).toMatchObject({
      status: 400,
      message: 'You cannot confirm this PaymentIntent because it has a status of canceled.',
    });
    const wrong = await control()
      .clientConfirm(pi.id, `${pi.id}_secret_wrong`, 'pm_card_visa')
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ status: 400 });
    expect(fake.ledger().charges.filter((c) => c.status === 'succeeded')).toEqual([]);
    expect(eventsOf(pi.id).at(-1)).toBe('payment_intent.canceled');
  });
});
