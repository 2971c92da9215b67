/**
 * Disputes for other systems, as the Stripe webhook function wires them
 * (webhooks/webhookRouting.ts): its events go to the log sink and to the
 * publishing subscriber (`rt.publishEvents`), so a dispute
 * the ledger applied is published in the delivery that applied it, which the
 * end-of-call work waits for before the answer leaves (`settle`). Signed
 * deliveries through handleStripeWebhook with a MemoryLedger and a fake
 * publish port; a failing port changes neither the dispute nor the answer.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentStatus, PublishedEventType } from '../api/index.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { requestHash } from '../payments/ledger/paymentLedger.js';
import { STRIPE_MONEY } from '../payments/provider/stripeCurrencies.js';
import { MemoryRefundLedger } from '../payments/refunds/memoryRefundLedger.js';
import { MemoryIntentRecords } from '../webhooks/intentRecords.js';
import { MemoryProcessedEvents } from '../webhooks/stripeEvents.js';
import { handleStripeWebhook } from '../webhooks/stripeWebhook.js';
import { loadStripeFake, type StripeFakeModule } from '../webhooks/testing/stripeFake.js';
import { routeWebhookEvents } from '../webhooks/webhookRouting.js';
import { EventPublisher, type OutgoingEvent, type PublishPort } from './eventPublisher.js';
import { publishingSink } from './publishedEvents.js';

const SECRET = 'whsec_unit_secret';
const T0 = 1_800_000_000_000;
let sign: StripeFakeModule['stripeSignature'];
let ledger: MemoryLedger;
let logged: string[];
let seq = 0;

beforeAll(async () => {
  sign = (await loadStripeFake()).stripeSignature;
});
beforeEach(() => {
  ledger = new MemoryLedger(() => T0);
  logged = [];
  const base = { uid: 'u1', amount: 1999, currency: 'USD', paymentMethod: 'credit_card' as const };
  ledger.put('tx1', {
    ...{ ...base, status: PaymentStatus.succeeded, attempts: 1, requestHash: requestHash(base) },
    ...{ providerRef: 'pi_1', chargeId: 'ch_1', createdAt: T0, updatedAt: T0 },
  });
});

/** A webhook whose events are routed as stripeWebhookFunction.ts routes them, `rt.publishEvents` publishing to `port`. */
function webhook(port: PublishPort) {
  const metrics = new MetricsAggregator({ enabled: true, intervalMs: 1 });
  const publisher = new EventPublisher({ port, timeoutMs: 1000, metrics });
  const deps = {
    secret: SECRET,
    ledger,
    refunds: new MemoryRefundLedger(ledger, () => T0),
    intents: new MemoryIntentRecords(),
    events: new MemoryProcessedEvents(() => T0),
    now: () => T0,
    emit: routeWebhookEvents({
      logged: (e) => void logged.push(e.type),
      refundEvents: (e) => void logged.push(`refund sink ${e.type}`),
      publish: publishingSink(publisher, STRIPE_MONEY),
    }),
  };
  /** One signed delivery of `type`, then what the end-of-call work waits for: the answer and whether it waited. */
  const deliver = async (type: string, dispute: Record<string, unknown> = {}, id = `evt_p${++seq}`) => {
    const event = {
      ...{ id, object: 'event', type, created: T0 / 1000, livemode: false },
      data: {
        object: {
          ...{ id: 'dp_1', object: 'dispute', amount: 1999, currency: 'usd', charge: 'ch_1', payment_intent: 'pi_1' },
          ...{ reason: 'fraudulent', status: 'needs_response', evidence_details: { due_by: T0 / 1000 + 86_400 } },
          ...dispute,
        },
      },
    };
    const payload = JSON.stringify(event);
    const signature = sign(payload, SECRET, T0 / 1000);
    const reply = await handleStripeWebhook(deps, { rawBody: Buffer.from(payload), signature });
    return { reply, waited: await publisher.settle() };
  };
  return deliver;
}

describe('dispute events published from the Stripe webhook', () => {
  it('opened and closed are published in the delivery that applied them; updates and repeats publish nothing', async () => {
    const sent: OutgoingEvent[] = [];
    const deliver = webhook((e) => {
      sent.push(e);
      return Promise.resolve();
    });
    const opened = await deliver('charge.dispute.created', {}, 'evt_open');
    expect(opened).toEqual({
      reply: { status: 200, body: { received: true, outcome: 'dispute-opened' } },
      waited: true,
    });
    expect(sent).toEqual([
      {
        type: PublishedEventType.disputeOpened,
        source: 'resilient-payments',
        subject: 'tx1',
        data: {
          transactionId: 'tx1',
          uid: 'u1',
          disputeId: 'dp_1',
          status: 'needs_response',
          reason: 'fraudulent',
          amount: 19.99,
          amountMinor: 1999,
          currency: 'USD',
        },
      },
    ]);
    expect((await deliver('charge.dispute.created', {}, 'evt_open')).waited).toBe(false);
    expect(await deliver('charge.dispute.funds_withdrawn')).toMatchObject({ waited: false });
    expect(await deliver('charge.dispute.updated', { status: 'under_review' })).toMatchObject({ waited: false });
    const closed = await deliver('charge.dispute.closed', { status: 'lost' });
    expect(closed).toMatchObject({ reply: { status: 200 }, waited: true });
    expect(sent.map((e) => [e.type, (e.data as { status: string }).status])).toEqual([
      [PublishedEventType.disputeOpened, 'needs_response'],
      [PublishedEventType.disputeClosed, 'lost'],
    ]);
    expect(logged.filter((t) => t.startsWith('dispute.'))).toEqual([
      'dispute.opened',
      'dispute.updated',
      'dispute.updated',
      'dispute.closed',
    ]);
  });

  it('a dispute on no payment of ours publishes nothing', async () => {
    const sent: OutgoingEvent[] = [];
    const deliver = webhook((e) => {
      sent.push(e);
      return Promise.resolve();
    });
    expect((await deliver('charge.dispute.created', { payment_intent: 'pi_other' })).reply.status).toBe(200);
    expect(sent).toEqual([]);
  });

  it('a failing Eventarc changes neither the dispute nor the answer', async () => {
    const deliver = webhook(() => Promise.reject(new Error('eventarc down')));
    const opened = await deliver('charge.dispute.created');
    expect(opened).toEqual({
      reply: { status: 200, body: { received: true, outcome: 'dispute-opened' } },
      waited: true,
    });
    expect((await ledger.get('tx1'))?.dispute).toMatchObject({ id: 'dp_1', status: 'needs_response' });
  });
});
