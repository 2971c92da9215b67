// The emulated stripeWebhook function (Stripe mode): signatures, duplicates and
// out-of-order deliveries, with payments made through the real callable.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stripeSignature } from '../../devtools/stripe-fake/webhooks.ts';
import type { LedgerHealth, ProcessPaymentResult } from '../../functions/src/api/index.js';
import { adminDb } from '../integration/admin.js';
import { USERS, session, type Session } from '../integration/client.js';
import { expectLedgersAgree } from './ledgerCheck.js';
import { txnIds, recordOf } from './records.js';
import {
  WEBHOOK_URL,
  completeAuthentication,
  createOutside,
  devSecret,
  fakeEvents,
  flushWebhooks,
  holdWebhooks,
  intentsOf,
  resendEvent,
  setFaults,
  settleProcessing,
  warmWebhook,
  webhooksDelivered,
} from './stripeFake.js';

const txn = txnIds('sw');
const eventSeen = async (id: string) => (await adminDb().doc(`stripeEvents/${id}`).get()).exists;
/** What the webhook remembered of the events of PaymentIntent `piId`: their outcomes, by event type. */
async function outcomesOf(piId: string): Promise<Record<string, unknown>> {
  const ids = (await fakeEvents()).events.filter((e) => e.data.object.id === piId);
  const docs = await Promise.all(ids.map((e) => adminDb().doc(`stripeEvents/${e.id}`).get()));
  return Object.fromEntries(
    docs.filter((d) => d.exists).map((d) => [String(d.get('type')), d.get('outcome') as unknown]),
  );
}

/** POSTs a raw body to the emulated stripeWebhook function. */
async function deliver(body: string, signature: string | undefined): Promise<number> {
  const res = await fetch(WEBHOOK_URL, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(signature === undefined ? {} : { 'Stripe-Signature': signature }),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('stripeWebhook through the functions emulator', () => {
  let user: Session;
  const pay = (transactionId: string, paymentMethodId: string) =>
    user.call<ProcessPaymentResult>('processPayment', {
      amount: 12.5,
      paymentMethod: 'credit_card',
      transactionId,
      paymentMethodId,
    });

  beforeAll(async () => {
    [user] = await Promise.all([session('new'), warmWebhook()]);
  });
  afterEach(async () => {
    await holdWebhooks(false);
    await webhooksDelivered();
    await expectLedgersAgree();
  });
  afterAll(async () => user?.close());

  it('a missing, wrong or too old signature: 400 and nothing written; the same bytes signed right are taken', async () => {
    const id = txn('sig');
    expect(await pay(id, 'pm_card_authenticationRequired')).toMatchObject({ status: 'requires_action' });
    await webhooksDelivered();
    const [pi] = await intentsOf(id);
    const before = await recordOf(id);
    const forged = { ...pi!, status: 'succeeded', latest_charge: 'ch_forged', amount_received: pi!.amount };
    const eventId = `evt_forged_${Date.now()}`;
    const body = JSON.stringify({
      id: eventId,
      object: 'event',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      type: 'payment_intent.succeeded',
      data: { object: forged },
    });
    const now = Math.floor(Date.now() / 1000);
    const secret = devSecret('STRIPE_WEBHOOK_SECRET');
    expect(await deliver(body, undefined)).toBe(400);
    expect(await deliver(body, stripeSignature(body, 'whsec_not_the_secret', now))).toBe(400);
    expect(await deliver(body, stripeSignature(body, secret, now - 600))).toBe(400); // beyond the 300 s tolerance
    expect(await deliver(body, stripeSignature(`${body} `, secret, now))).toBe(400); // signed other bytes
    expect(await recordOf(id)).toEqual(before);
    expect(await eventSeen(eventId)).toBe(false);
    // The check is the signature: the genuine PaymentIntent in the same envelope, signed right, is taken.
    const genuine = body.replace(JSON.stringify(forged), JSON.stringify(pi)).replace('.succeeded', '.requires_action');
    expect(await deliver(genuine, stripeSignature(genuine, secret, now))).toBe(200);
    expect(await eventSeen(eventId)).toBe(true);
    expect((await recordOf(id))!.status).toBe('requires_action');
  });

  it('a duplicate event changes nothing', async () => {
    const id = txn('dup');
    expect(await pay(id, 'pm_card_authenticationRequired')).toMatchObject({ status: 'requires_action' });
    const [pi] = await intentsOf(id);
    await completeAuthentication(pi!.id);
    await webhooksDelivered();
    const settled = await recordOf(id);
    expect(settled).toMatchObject({ status: 'succeeded' });
    const events = (await fakeEvents()).events.filter((e) => e.data.object.id === pi!.id);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['payment_intent.requires_action', 'payment_intent.succeeded']),
    );
    // Handled types are remembered by id (payment_intent.created is acknowledged and ignored).
    for (const e of events) expect(await eventSeen(e.id), e.type).toBe(e.type !== 'payment_intent.created');
    for (const e of events) await resendEvent(e.id);
    await webhooksDelivered();
    const deliveries = (await fakeEvents()).deliveries.filter((d) => events.some((e) => e.id === d.eventId));
    expect(deliveries.length).toBeGreaterThanOrEqual(2 * events.length);
    expect(await recordOf(id)).toEqual(settled);
  });

  it('out-of-order deliveries (newest first) end in the PaymentIntent state', async () => {
    const id = txn('order');
    await holdWebhooks(true);
    expect(await pay(id, 'pm_fake_processing')).toMatchObject({ status: 'processing' });
    const [pi] = await intentsOf(id);
    await settleProcessing(pi!.id);
    const { delivered } = await flushWebhooks('reverse'); // succeeded, then processing, then created
    expect(delivered).toBeGreaterThanOrEqual(3);
    await holdWebhooks(false);
    await webhooksDelivered();
    expect(await recordOf(id)).toMatchObject({
      status: 'succeeded',
      chargeId: (await intentsOf(id))[0]!.latest_charge,
    });
  });
});

describe('PaymentIntents made outside the product, through the functions emulator', () => {
  let user: Session, admin: Session;
  /** The incident counters of the ledger health getConnectionPoolStats answers. */
  const incidents = async () => {
    const { ledger } = await admin.call<{ ledger: LedgerHealth }>('getConnectionPoolStats');
    return { orphanCharges: ledger.orphanCharges, foreignIntents: ledger.foreignIntents };
  };

  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin), warmWebhook()]);
  });
  afterEach(async () => {
    await setFaults({ mode: 'none' });
    await webhooksDelivered();
    await expectLedgersAgree();
  });
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  it('one naming our transactionId, with and without our uid, leaves the record unchanged and is counted', async () => {
    const id = txn('foreign');
    // A record that holds no PaymentIntent yet: Stripe refused the create (500 before executing it).
    await setFaults({ mode: 'error-before', endpoint: 'create' });
    const request = { amount: 12.5, paymentMethod: 'credit_card', transactionId: id, paymentMethodId: 'pm_card_visa' };
    expect(await user.codeOf('processPayment', request)).toBe('unavailable');
    await setFaults({ mode: 'none' });
    const failed = await recordOf(id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed!.providerRef).toBeUndefined();
    const before = await incidents();
    const metadata = { transactionId: id, uid: user.uid! };
    const withUid = await createOutside({ amount: 1250, currency: 'usd', metadata });
    const noUid = await createOutside({ amount: 1250, currency: 'usd', metadata: { transactionId: id } });
    const waiting = await createOutside({
      amount: 1250,
      currency: 'usd',
      metadata,
      paymentMethod: 'pm_card_authenticationRequired',
    });
    expect([withUid.status, noUid.status, waiting.status]).toEqual(['succeeded', 'succeeded', 'requires_action']);
    await webhooksDelivered();
    expect(await recordOf(id)).toEqual(failed);
    expect(await outcomesOf(withUid.id)).toEqual({ 'payment_intent.succeeded': 'foreign-intent' });
    expect(await outcomesOf(waiting.id)).toEqual({ 'payment_intent.requires_action': 'foreign-intent' });
    const after = await incidents();
    expect({ orphanCharges: after.orphanCharges - before.orphanCharges }).toEqual({ orphanCharges: 2 });
    expect({ foreignIntents: after.foreignIntents - before.foreignIntents }).toEqual({ foreignIntents: 3 });

    // Our own PaymentIntent still settles the record, and only it.
    expect(await user.call<ProcessPaymentResult>('processPayment', request)).toMatchObject({ status: 'succeeded' });
    await webhooksDelivered();
    const ours = (await intentsOf(id)).filter((pi) => ![withUid.id, noUid.id, waiting.id].includes(pi.id));
    expect(ours).toHaveLength(1);
    expect(await recordOf(id)).toMatchObject({
      status: 'succeeded',
      providerRef: ours[0]!.id,
      chargeId: ours[0]!.latest_charge,
    });
    expect(await incidents()).toEqual(after);
  });

  it('one naming a record that holds our PaymentIntent leaves it waiting for ours', async () => {
    const id = txn('foreign_held');
    expect(
      await user.call<ProcessPaymentResult>('processPayment', {
        amount: 12.5,
        paymentMethod: 'credit_card',
        transactionId: id,
        paymentMethodId: 'pm_card_authenticationRequired',
      }),
    ).toMatchObject({ status: 'requires_action' });
    await webhooksDelivered();
    const held = await recordOf(id);
    const before = await incidents();
    const outside = await createOutside({
      amount: 1250,
      currency: 'usd',
      metadata: { transactionId: id, uid: user.uid! },
    });
    await webhooksDelivered();
    expect(await recordOf(id)).toEqual(held);
    expect(await incidents()).toEqual({
      orphanCharges: before.orphanCharges + 1,
      foreignIntents: before.foreignIntents + 1,
    });
    const [ours] = (await intentsOf(id)).filter((pi) => pi.id !== outside.id);
    await completeAuthentication(ours!.id);
    await webhooksDelivered();
    expect(await recordOf(id)).toMatchObject({
      status: 'succeeded',
      chargeId: (await intentsOf(id)).find((pi) => pi.id === ours!.id)!.latest_charge,
    });
  });

  it('an orphan charge (succeeded, naming no record) is counted in the ledger health of getConnectionPoolStats', async () => {
    const before = await incidents();
    const none = await createOutside({ amount: 990, currency: 'usd' });
    const nobody = await createOutside({ amount: 990, currency: 'usd', metadata: { transactionId: txn('nobody') } });
    await createOutside({ amount: 990, currency: 'usd', paymentMethod: 'pm_card_chargeDeclined' });
    await webhooksDelivered();
    expect(await outcomesOf(none.id)).toEqual({ 'payment_intent.succeeded': 'no-transaction' });
    expect(await outcomesOf(nobody.id)).toEqual({ 'payment_intent.succeeded': 'unknown-transaction' });
    expect(await incidents()).toEqual({
      orphanCharges: before.orphanCharges + 2,
      foreignIntents: before.foreignIntents,
    });
  });
});
