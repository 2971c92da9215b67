import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, stripeFakeControl } from './client.ts';
import { startStripeFake } from './server.ts';
import type { StripeFake } from './server.ts';
import { clientFor } from './testKit.ts';

const KEY = 'sk_test_client';
let fake: StripeFake;
beforeEach(async () => {
  fake = await startStripeFake({ apiKey: KEY });
});
afterEach(() => fake.close());

const api = clientFor(() => fake.url, KEY);

/** A confirmed PaymentIntent of `paymentMethod` (its id). */
async function confirmed(tx: string, paymentMethod: string): Promise<string> {
  const { body } = await api.create(tx, paymentMethod);
  await api.confirm(body.id, `${tx}:confirm`);
  return body.id;
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable(),
    (e: unknown) => e,
  );

describe('stripeFakeControl against a running fake', () => {
  it('reads and replaces the faults, and resets', async () => {
    const control = stripeFakeControl(`${fake.url}/`);
    expect(control.url).toBe(fake.url);
    expect(await control.setFaults({ mode: 'hang', endpoint: 'confirm' })).toEqual({
      mode: 'hang',
      endpoint: 'confirm',
    });
    expect(await control.faults()).toEqual(fake.faults());
    expect(await control.reset()).toEqual({ ok: true });
    expect(await control.faults()).toEqual({ mode: 'none' });
  });

  it('finishes 3-D Secure and settles processing payments, either way', async () => {
    const control = stripeFakeControl(fake.url);
    const auth = await confirmed('tx-3ds', 'pm_card_authenticationRequired');
    expect((await control.completeAuthentication(auth)).status).toBe('succeeded');
    const failing = await confirmed('tx-3ds-fail', 'pm_card_authenticationRequired');
    expect((await control.completeAuthentication(failing, false)).status).toBe('requires_payment_method');
    const slow = await confirmed('tx-slow', 'pm_fake_processing');
    expect((await control.settle(slow)).status).toBe('succeeded');
    const ledger = await control.ledger();
    expect(ledger).toEqual(fake.ledger());
    expect(ledger.paymentIntents.map((p) => p.status)).toEqual(['succeeded', 'requires_payment_method', 'succeeded']);
  });

  it('holds, flushes and lists webhook events, and moves the clock', async () => {
    const control = stripeFakeControl(fake.url);
    expect(await control.holdWebhooks(true)).toEqual({ hold: true });
    await confirmed('tx-hook', 'pm_card_visa');
    const { events } = await control.events();
    expect(events.length).toBeGreaterThan(0);
    expect(await control.flushWebhooks('reverse')).toEqual({ delivered: events.length });
    // The fake's clock is the real one plus what was advanced, so it also moves on its own.
    const before = (await control.advanceClock(0)).now;
    const moved = (await control.advanceClock(60_000)).now - before;
    expect(moved).toBeGreaterThanOrEqual(60_000);
    expect(moved).toBeLessThan(61_000);
  });

  it('creates and confirms PaymentIntents outside the product, with any metadata, and lists them apart', async () => {
    const control = stripeFakeControl(fake.url);
    const ours = await confirmed('tx-ours', 'pm_card_visa');
    const named = await control.createOutside({
      amount: 1250,
      currency: 'usd',
      metadata: { transactionId: 'tx-ours' },
    });
    expect(named).toMatchObject({
      status: 'succeeded',
      amount: 1250,
      amount_received: 1250,
      currency: 'usd',
      metadata: { transactionId: 'tx-ours' },
      payment_method: 'pm_card_visa',
    });
    expect(named.id).not.toBe(ours);
    const bare = await control.createOutside({ amount: 500, currency: 'eur' });
    expect(bare.metadata).toEqual({});
    const declined = await control.createOutside({
      amount: 700,
      currency: 'usd',
      metadata: { transactionId: 'tx-ours', uid: 'u1' },
      paymentMethod: 'pm_card_chargeDeclined',
    });
    expect(declined).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined' },
    });
    const ledger = await control.ledger();
    expect(ledger.outsidePaymentIntents).toEqual([named.id, bare.id, declined.id]);
    expect(ledger.charges.filter((c) => c.payment_intent === named.id).map((c) => c.status)).toEqual(['succeeded']);
    expect(ledger.requestsByEndpoint).toEqual({ create: 1, confirm: 1 });
    await control.reset();
    expect((await control.ledger()).outsidePaymentIntents).toEqual([]);
  });

  it('refuses an outside PaymentIntent Stripe would refuse, or a malformed one, and creates nothing', async () => {
    const control = stripeFakeControl(fake.url);
    const refused = await rejection(control.createOutside({ amount: 1234, currency: 'kwd' }));
    expect(refused).toMatchObject({ status: 400, code: 'parameter_invalid_integer' });
    const bad = [
      { amount: 0, currency: 'usd' },
      { amount: 1.5, currency: 'usd' },
      { amount: 100, currency: 'usd', metadata: { n: 1 } },
      { amount: 100, currency: 'usd', paymentMethod: 'pm_nope' },
    ] as unknown as Parameters<typeof control.createOutside>[0][];
    for (const body of bad) expect(await rejection(control.createOutside(body))).toMatchObject({ status: 400 });
    expect((await control.ledger()).paymentIntents).toEqual([]);
    expect((await control.ledger()).outsidePaymentIntents).toEqual([]);
  });

  it('makes Dashboard refunds, keeps the next refund pending and settles or fails refunds', async () => {
    const control = stripeFakeControl(fake.url);
    const pi = await confirmed('tx-refund', 'pm_card_visa');
    expect(await control.pendRefunds()).toEqual({ pendingNext: 1 });
    const pending = await control.createOutsideRefund({ paymentIntent: pi, amount: 500 });
    expect(pending).toMatchObject({ status: 'pending', amount: 500, metadata: {} });
    expect(await control.settleRefund(pending.id)).toMatchObject({ status: 'succeeded' });
    const failed = await control.settleRefund(pending.id, false, 'lost_or_stolen_card');
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'lost_or_stolen_card' });
    expect(await rejection(control.settleRefund(pending.id, false))).toMatchObject({ status: 409 });
    const rest = await control.createOutsideRefund({ paymentIntent: pi, reason: 'fraudulent' });
    expect(rest).toMatchObject({ amount: 1999, reason: 'fraudulent', status: 'succeeded' });
    expect(await rejection(control.createOutsideRefund({ paymentIntent: pi }))).toMatchObject({
      status: 400,
      code: 'charge_already_refunded',
    });
    const ledger = await control.ledger();
    expect(ledger.refunds.map((r) => [r.id, r.status])).toEqual([
      [pending.id, 'failed'],
      [rest.id, 'succeeded'],
    ]);
    expect(ledger.charges.find((c) => c.payment_intent === pi)).toMatchObject({
      amount_refunded: 1999,
      refunded: true,
    });
    expect(ledger.requestsByEndpoint.refund_create).toBeUndefined();
  });

  it("rejects with the fake's status and message", async () => {
    const control = stripeFakeControl(fake.url);
    const err = await rejection(control.resendEvent('evt_nope'));
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ code: 'http-404', status: 404, message: 'No such event.' });
    const twice = await rejection(control.settle('pi_nope'));
    expect(twice).toMatchObject({ code: 'http-409', message: 'No PaymentIntent pi_nope in status processing.' });
  });
});
