import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryIntentRecords } from '../../webhooks/intentRecords.js';
import { MemoryProcessedEvents } from '../../webhooks/stripeEvents.js';
import { handleStripeWebhook } from '../../webhooks/stripeWebhook.js';
import {
  loadStripeFake,
  stripeRequest,
  useStripeFake,
  useStripeProvider,
  type StripeFakeModule,
} from '../../webhooks/testing/stripeFake.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import type { StripeProvider } from '../provider/stripeProvider.js';
import { adminRefundCall, payment, refundFailure } from '../testing/refundKit.js';
import { MemoryRefundLedger } from './memoryRefundLedger.js';

// The refund domain over the StripeProvider, the real stripe SDK and the Stripe fake (over HTTP), and the webhook
// fed the fake's own signed events: what Stripe refunded and what the ledger says agree after every case.
const KEY = 'sk_test_refund_flow';
const SECRET = 'whsec_refund_flow';
const fake = useStripeFake(KEY);
const world = useStripeProvider(fake, KEY);
let sign: StripeFakeModule['stripeSignature'];
let provider: StripeProvider;
let payments: MemoryLedger;
let refunds: MemoryRefundLedger;
let intents: MemoryIntentRecords;
let events: MemoryProcessedEvents;
let delivered: number;

beforeAll(async () => {
  sign = (await loadStripeFake()).stripeSignature;
});
beforeEach(() => {
  ({ provider } = world());
  payments = new MemoryLedger();
  refunds = new MemoryRefundLedger(payments);
  intents = new MemoryIntentRecords();
  events = new MemoryProcessedEvents();
  delivered = 0;
});

/** A payment of `amount` minor units charged at the fake and recorded succeeded with its PaymentIntent. */
async function charged(transactionId: string, amount = 2000): Promise<string> {
  const req = { ...stripeRequest(transactionId), amount };
  const pi = await provider.prepare(req, 2000);
  const answer = await provider.charge(pi, req, 2000);
  if (answer.kind !== 'succeeded') throw new Error(`charge ${transactionId}: ${answer.kind}`);
  payments.put(transactionId, payment({ amount, providerRef: pi, chargeId: answer.chargeId }));
  intents.hold(pi, transactionId);
  return pi;
}

const call = adminRefundCall(
  () => ({
    ledger: refunds,
    incidents: payments,
    provider,
    money: provider.money,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
  }),
  { attemptTimeoutMs: 400, totalTimeoutMs: 3000, settleMs: 1000 },
);
const failure = refundFailure;

/** Delivers the fake's events not delivered yet to the webhook, signed as Stripe signs them; their outcomes. */
async function deliverEvents(): Promise<string[]> {
  const pending = fake().events().events.slice(delivered);
  delivered += pending.length;
  const outcomes: string[] = [];
  for (const event of pending) {
    const payload = JSON.stringify(event);
    const reply = await handleStripeWebhook(
      { secret: SECRET, ledger: payments, refunds, intents, events },
      { rawBody: payload, signature: sign(payload, SECRET, Math.floor(Date.now() / 1000)) },
    );
    outcomes.push(reply.body.outcome ?? String(reply.status));
  }
  return outcomes;
}

/** Stripe's refunds of `pi` and the ledger's refunds of `transactionId` agree, and so do the totals. */
async function expectAgree(transactionId: string, pi: string): Promise<void> {
  const atStripe = fake()
    .ledger()
    .refunds.filter((r) => r.payment_intent === pi);
  const records = await refunds.listRefunds(transactionId);
  for (const re of atStripe) {
    const refundId = re.metadata.refundId ?? `stripe-${re.id}`;
    expect(records.find((r) => r.refundId === refundId)).toMatchObject({
      amount: re.amount,
      status: re.status,
      providerRefundId: re.id,
    });
  }
  const sum = (status: string) => atStripe.filter((r) => r.status === status).reduce((s, r) => s + r.amount, 0);
  expect(payments.peek(transactionId)).toMatchObject({
    refundedAmount: sum('succeeded'),
    pendingRefundAmount: sum('pending'),
  });
}

describe('refundPayment over Stripe and the Stripe fake', () => {
  it('refunds in two parts then the rest, once each; replays and refusals send nothing', async () => {
    const pi = await charged('tx-parts');
    expect(await call('tx-parts', 'rf-a', 5)).toMatchObject({ status: 'succeeded', refundedAmount: 5 });
    expect(await call('tx-parts', 'rf-b', 7.5)).toMatchObject({ refundedAmount: 12.5 });
    expect(await call('tx-parts', 'rf-rest')).toMatchObject({ amount: 7.5, refundedAmount: 20, replayed: false });
    const sent = fake().ledger().requestsByEndpoint.refund_create;
    expect(await call('tx-parts', 'rf-rest')).toMatchObject({ replayed: true });
    expect(await failure(call('tx-parts', 'rf-a', 6))).toMatchObject({ code: 'REFUND_CONFLICT' });
    expect(await failure(call('tx-parts', 'rf-more', 0.01))).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE' });
    expect(fake().ledger().requestsByEndpoint.refund_create).toBe(sent);
    expect(
      fake()
        .ledger()
        .refunds.map((r) => [r.metadata.refundId, r.amount]),
    ).toEqual([
      ['rf-a', 500],
      ['rf-b', 750],
      ['rf-rest', 750],
    ]);
    // The webhook's copies of the same refunds change nothing.
    expect((await deliverEvents()).filter((o) => o.startsWith('refund'))).toEqual([]);
    await expectAgree('tx-parts', pi);
  });

  it('a 500 before Stripe executed, then success: one refund; a saved 500 after it executed: found by lookup', async () => {
    const pi = await charged('tx-5xx');
    fake().setFaults({ mode: 'error-before', endpoint: 'refund_create', count: 1 });
    expect(await call('tx-5xx', 'rf-1', 5)).toMatchObject({ status: 'succeeded', refundedAmount: 5 });
    fake().setFaults({ mode: 'error-after', endpoint: 'refund_create', count: 1 });
    expect(await call('tx-5xx', 'rf-2', 5)).toMatchObject({ status: 'succeeded', refundedAmount: 10 });
    // rf-1: the refused attempt (before its key was seen) and the one that refunded; rf-2: one attempt, then a lookup.
    expect(fake().ledger().requestsByEndpoint).toMatchObject({ refund_create: 3, refund_list: 1 });
    expect(fake().ledger().refunds).toHaveLength(2);
    await expectAgree('tx-5xx', pi);
  });

  it('a lost answer whose lookups are lost too: unknown, then the repeat call finds the one refund', async () => {
    const pi = await charged('tx-lost');
    fake().setFaults({ mode: 'commit-then-hang', endpoint: 'refund_create', count: 1 });
    const lost = failure(call('tx-lost', 'rf-lost', 4));
    // Once Stripe made the refund, nothing it is asked answers until the call gives up.
    while (fake().ledger().refunds.length === 0) await new Promise((r) => setTimeout(r, 20));
    fake().setFaults({ mode: 'hang', endpoint: 'any' });
    expect(await lost).toMatchObject({ code: 'REFUND_UNKNOWN', details: { refundId: 'rf-lost', status: 'unknown' } });
    expect(payments.peek('tx-lost')).toMatchObject({ pendingRefundAmount: 400 });
    fake().setFaults({ mode: 'none' });
    expect(await call('tx-lost', 'rf-lost', 4)).toMatchObject({ status: 'succeeded', refundedAmount: 4 });
    expect(fake().ledger().refunds).toHaveLength(1);
    expect(fake().ledger().requestsByKey['tx-lost:refund:rf-lost']).toBe(1);
    await expectAgree('tx-lost', pi);
  });

  it('a pending refund that fails later: pending, then failed by the webhook, and refundable again', async () => {
    const pi = await charged('tx-pending');
    fake().pendRefunds(1);
    expect(await call('tx-pending', 'rf-p')).toMatchObject({ status: 'pending', refundedAmount: 0 });
    expect(payments.peek('tx-pending')).toMatchObject({ pendingRefundAmount: 2000 });
    fake().settleRefund(fake().ledger().refunds[0]!.id, false, 'lost_or_stolen_card');
    expect(await deliverEvents()).toContain('refund-failed');
    expect(await refunds.getRefund('tx-pending', 'rf-p')).toMatchObject({
      status: 'failed',
      failureReason: 'lost_or_stolen_card',
    });
    expect(payments.peek('tx-pending')).toMatchObject({ refundedAmount: 0, pendingRefundAmount: 0 });
    expect(await call('tx-pending', 'rf-p2')).toMatchObject({ status: 'succeeded', refundedAmount: 20 });
    await expectAgree('tx-pending', pi);
  });

  it("a Dashboard refund is recorded by the webhook, and what is left follows Stripe's amount_refunded", async () => {
    const pi = await charged('tx-dash');
    await call('tx-dash', 'rf-own', 4);
    fake().createOutsideRefund({ paymentIntent: pi, amount: 650 });
    await deliverEvents();
    const charge = fake()
      .ledger()
      .charges.find((c) => c.payment_intent === pi)!;
    expect(payments.peek('tx-dash')?.refundedAmount).toBe(charge.amount_refunded);
    expect(await failure(call('tx-dash', 'rf-more', 10))).toMatchObject({
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      details: { refundable: 9.5 },
    });
    await expectAgree('tx-dash', pi);
  });
});
