import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeFake, stripeSignature } from './server.ts';
import type { StripeEvent, StripeFake } from './server.ts';
import { clientFor } from './testKit.ts';

const KEY = 'sk_test_hooks';
const SECRET = 'whsec_test_secret';

/** A webhook endpoint that verifies every delivery with the stripe SDK and answers from `statuses`. */
let receiver: Server;
let received: { event: StripeEvent; verified: boolean }[];
let statuses: number[];
let fake: StripeFake;

beforeEach(async () => {
  received = [];
  statuses = [];
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      let verified = true;
      try {
        Stripe.webhooks.constructEvent(raw, req.headers['stripe-signature'] ?? '', SECRET);
      } catch {
        verified = false;
      }
      received.push({ event: JSON.parse(raw) as StripeEvent, verified });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  fake = await startStripeFake({ apiKey: KEY, webhook: { url, secret: SECRET, retryDelaysMs: [20, 20] } });
});
afterEach(async () => {
  await fake.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

const { create, confirm, control } = clientFor(() => fake.url, KEY);

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

describe('webhook delivery', () => {
  it("signs like Stripe: the stripe SDK's constructEvent accepts it", () => {
    const payload = '{"id":"evt_1","object":"event"}';
    const header = stripeSignature(payload, SECRET, Math.floor(Date.now() / 1000));
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(Stripe.webhooks.constructEvent(payload, header, SECRET).id).toBe('evt_1');
    expect(() => Stripe.webhooks.constructEvent(payload, header, 'whsec_other')).toThrow();
  });

  it('delivers signed snapshot events for each transition', async () => {
    const { body: pi } = await create('tx-1', 'pm_card_authenticationRequired');
    await confirm(pi.id, 'tx-1:confirm');
    await control('POST', `/payment_intents/${pi.id}/complete_authentication`);
    await until(() => received.length === 3);
    expect(received.map((r) => [r.event.type, r.event.data.object.status, r.verified])).toEqual([
      ['payment_intent.created', 'requires_confirmation', true],
      ['payment_intent.requires_action', 'requires_action', true],
      ['payment_intent.succeeded', 'succeeded', true],
    ]);
    expect(received[1]!.event).toMatchObject({
      object: 'event',
      livemode: false,
      request: { idempotency_key: 'tx-1:confirm' },
      data: { object: { id: pi.id, metadata: { transactionId: 'tx-1' } } },
    });
    expect(new Set(received.map((r) => r.event.id)).size).toBe(3);
    expect(fake.events().events.map((e) => e.type)).toEqual(received.map((r) => r.event.type));
  });

  it('sends the events of a PaymentIntent created outside the product, without a request', async () => {
    const outside = await control<{ id: string }>('POST', '/payment_intents', {
      amount: 900,
      currency: 'usd',
      metadata: { transactionId: 'tx-ours', uid: 'u1' },
    });
    expect(outside.status).toBe(200);
    await until(() => received.length === 2);
    expect(received.map((r) => [r.event.type, r.event.data.object.status, r.verified])).toEqual([
      ['payment_intent.created', 'requires_confirmation', true],
      ['payment_intent.succeeded', 'succeeded', true],
    ]);
    for (const { event } of received) {
      expect(event.request).toEqual({ id: null, idempotency_key: null });
      expect(event.data.object).toMatchObject({
        id: outside.body.id,
        metadata: { transactionId: 'tx-ours', uid: 'u1' },
      });
    }
  });

  it('retries a delivery answered with a non-2xx status', async () => {
    statuses.push(500, 503);
    await create('tx-r');
    await until(() => received.length === 3);
    expect(new Set(received.map((r) => r.event.id)).size).toBe(1);
    expect(fake.events().deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
  });

  it('stops after the last retry delay', async () => {
    statuses.push(500, 500, 500, 500);
    await create('tx-x');
    await until(() => received.length === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(3);
  });

  it('holds deliveries and sends them in reverse (out of order) on flush, and resends on request', async () => {
    await control('PUT', '/webhooks', { hold: true });
    const { body: pi } = await create('tx-o', 'pm_card_chargeDeclined');
    await confirm(pi.id, 'tx-o:confirm');
    await fake.webhooksIdle();
    expect(received).toEqual([]);
    expect((await control('POST', '/webhooks/flush', { order: 'reverse' })).body).toEqual({ delivered: 2 });
    await until(() => received.length === 2);
    expect(received.map((r) => r.event.type)).toEqual(['payment_intent.payment_failed', 'payment_intent.created']);
    const first = received[0]!.event.id;
    expect((await control('POST', `/events/${first}/resend`)).status).toBe(200);
    await until(() => received.length === 3);
    expect(received[2]!.event.id).toBe(first);
    expect((await control('POST', '/events/evt_nope/resend')).status).toBe(404);
  });
});
