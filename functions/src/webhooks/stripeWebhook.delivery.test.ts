/**
 * End to end over real HTTP: the StripeProvider creates and confirms through
 * the Stripe fake, the fake delivers its signed events (held, then out of
 * order, then again) to an endpoint running handleStripeWebhook, and the
 * ledger ends where Stripe is.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { StripeProvider } from '../payments/provider/stripeProvider.js';
import { HttpPoolManager } from '../resilience/http/index.js';
import { MemoryProcessedEvents } from './stripeEvents.js';
import { handleStripeWebhook } from './stripeWebhook.js';
import { loadStripeFake, type StripeFake } from './testing/stripeFake.js';

const KEY = 'sk_test_delivery';
const SECRET = 'whsec_delivery';
let endpoint: Server;
let fake: StripeFake;
let http: HttpPoolManager;
let ledger: MemoryLedger;
let events: MemoryProcessedEvents;
const outcomes: string[] = [];

beforeEach(async () => {
  ledger = new MemoryLedger();
  events = new MemoryProcessedEvents();
  outcomes.length = 0;
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const signature = req.headers['stripe-signature'] as string | undefined;
      void handleStripeWebhook({ secret: SECRET, ledger, events }, { rawBody: Buffer.concat(chunks), signature }).then(
        (r) => {
          outcomes.push(r.body.outcome ?? String(r.status));
          res.writeHead(r.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(r.body));
        },
      );
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
