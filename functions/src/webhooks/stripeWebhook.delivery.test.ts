/**
 * End to end over real HTTP: the StripeProvider creates and confirms through
 * the Stripe fake, the fake delivers its signed events (held, then out of
 * order, then again) to an endpoint running handleStripeWebhook, and the
 * ledger (payments and refunds) ends where Stripe is.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { StripeProvider } from '../payments/provider/stripeProvider.js';
import { MemoryRefundLedger } from '../payments/refunds/memoryRefundLedger.js';
import { HttpPoolManager } from '../resilience/http/index.js';
import { MemoryIntentRecords } from './intentRecords.js';
import { MemoryProcessedEvents } from './stripeEvents.js';
import { handleStripeWebhook } from './stripeWebhook.js';
import { loadStripeFake, type StripeFake } from './testing/stripeFake.js';

const KEY = 'sk_test_delivery';
const SECRET = 'whsec_delivery';
let endpoint: Server;
let fake: StripeFake;
let http: HttpPoolManager;
let ledger: MemoryLedger;
let refunds: MemoryRefundLedger;
let intents: MemoryIntentRecords;
let events: MemoryProcessedEvents;
const outcomes: string[] = [];

beforeEach(async () => {
  ledger = new MemoryLedger();
  refunds = new MemoryRefundLedger(ledger);
  intents = new MemoryIntentRecords();
  events = new MemoryProcessedEvents();
  outcomes.length = 0;
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const signature = req.headers['stripe-signature'] as string | undefined;
      const deps = { secret: SECRET, ledger, refunds, intents, events };
      void handleStripeWebhook(deps, { rawBody: Buffer.concat(chunks), signature }).then((r) => {
        outcomes.push(r.body.outcome ?? String(r.status));
        res.writeHead(r.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(r.body));
      });
    });
  });
  await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/stripeWebhook`;
  const mod = await loadStripeFake();
  fake = await mod.startStripeFake({ apiKey: KEY, webhook: { url, secret: SECRET } });
  http = new HttpPoolManager();
});
afterEach(async () => {
  http.destroy();
  await fake.close();
  endpoint.closeAllConnections();
  await new Promise((r) => endpoint.close(r));
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

it('settles a processing payment from out-of-order, duplicated deliveries', async () => {
  const provider = new StripeProvider(http, { baseUrl: fake.url, apiKey: KEY, maxSockets: 2 });
  const req = {
    transactionId: 'tx-e2e',
    uid: 'u1',
    amount: 1999,
    currency: 'USD',
    paymentMethod: 'credit_card' as const,
    paymentMethodId: 'pm_fake_processing',
  };
  const claim = await ledger.claim(req, 30_000);
  if (claim.kind !== 'claimed') throw new Error('claimed');
  fake.holdWebhooks(true);
  const ref = await provider.prepare(req, 2000);
  await ledger.attachProviderRef(req.transactionId, claim.claimId, ref);
  expect(await provider.charge(ref, req, 2000)).toEqual({ kind: 'pending', state: 'processing' });
  await ledger.finalize(req.transactionId, claim.claimId, { status: PaymentStatus.processing, attempts: 1 });
  fake.settle(ref, true);
  // created, processing, succeeded: delivered newest first.
  expect(fake.flushWebhooks('reverse')).toBe(3);
  await until(() => outcomes.length === 3);
  expect(outcomes).toEqual(['succeeded', 'unchanged', 'ignored']);
  expect(await ledger.get(req.transactionId)).toMatchObject({
    status: 'succeeded',
    chargeId: fake.ledger().charges[0]!.id,
  });
  const sent = fake.events().events;
  const succeeded = sent.find((e) => e.type === 'payment_intent.succeeded')!;
  fake.resendEvent(succeeded.id);
  await until(() => outcomes.length === 4);
  expect(outcomes[3]).toBe('duplicate');
});

it("follows Stripe's refunds from out-of-order, duplicated deliveries: a Dashboard refund and a pending one that fails", async () => {
  const provider = new StripeProvider(http, { baseUrl: fake.url, apiKey: KEY, maxSockets: 2 });
  const req = {
    transactionId: 'tx-refunds',
    uid: 'u1',
    amount: 1000,
    currency: 'USD',
    paymentMethod: 'credit_card' as const,
    paymentMethodId: 'pm_card_visa',
  };
  const claim = await ledger.claim(req, 30_000);
  if (claim.kind !== 'claimed') throw new Error('claimed');
  const ref = await provider.prepare(req, 2000);
  await ledger.attachProviderRef(req.transactionId, claim.claimId, ref);
  const charged = await provider.charge(ref, req, 2000);
  if (charged.kind !== 'succeeded') throw new Error('charged');
  await ledger.finalize(req.transactionId, claim.claimId, {
    status: PaymentStatus.succeeded,
    attempts: 1,
    chargeId: charged.chargeId,
  });
  intents.hold(ref, req.transactionId);
  await until(() => outcomes.length === 2);
  outcomes.length = 0;
  fake.holdWebhooks(true);
  const dashboard = fake.createOutsideRefund({ paymentIntent: ref, amount: 300 }).body as { id: string };
  fake.pendRefunds(1);
  const ours = { transactionId: req.transactionId, refundId: 'rf-1', uid: 'u1', amount: 200, currency: 'USD' };
  expect(await provider.refund(ref, ours, 2000)).toMatchObject({ kind: 'refund', refund: { status: 'pending' } });
  const pending = fake.ledger().refunds.find((r) => r.metadata.refundId === 'rf-1')!;
  fake.settleRefund(pending.id, false, 'lost_or_stolen_card');
  // refund.created and charge.refunded twice, then refund.updated and refund.failed: newest first.
  expect(fake.flushWebhooks('reverse')).toBe(6);
  await until(() => outcomes.length === 6);
  const recorded = await refunds.listRefunds(req.transactionId);
  expect(recorded.map((r) => [r.refundId, r.status, r.amount, r.source])).toEqual(
    expect.arrayContaining([
      [`stripe-${dashboard.id}`, 'succeeded', 300, 'provider'],
      ['rf-1', 'failed', 200, 'callable'],
    ]),
  );
  expect(recorded).toHaveLength(2);
  const charge = fake.ledger().charges.find((c) => c.payment_intent === ref)!;
  expect(await ledger.get(req.transactionId)).toMatchObject({
    status: 'succeeded',
    refundedAmount: charge.amount_refunded,
    pendingRefundAmount: 0,
  });
  for (const e of fake.events().events.filter((e) => e.type.startsWith('refund.'))) fake.resendEvent(e.id);
  await until(() => outcomes.length === 10);
  expect(outcomes.slice(6)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
  expect((await ledger.get(req.transactionId))?.refundedAmount).toBe(300);
});
