/**
 * The Stripe webhook's refund events (refund.created / updated / failed,
 * charge.refunded) with a MemoryLedger, a MemoryRefundLedger over it and
 * events signed by the Stripe fake's signer, through stripe.webhooks.constructEvent.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { requestHash, type PaymentRecord } from '../payments/ledger/paymentLedger.js';
import type { MemoryRefundLedger } from '../payments/refunds/memoryRefundLedger.js';
import type { MemoryIntentRecords } from './intentRecords.js';
import { handleStripeWebhook, type StripeWebhookDeps } from './stripeWebhook.js';
import { loadStripeFake, type StripeFakeModule } from './testing/stripeFake.js';
import { webhookWorld, type LoggedEvent } from './testing/webhookWorld.js';

const SECRET = 'whsec_refund_secret';
const T0 = 1_800_000_000_000;
let sign: StripeFakeModule['stripeSignature'];
let clock: number;
let ledger: MemoryLedger;
let refunds: MemoryRefundLedger;
let intents: MemoryIntentRecords;
let logged: LoggedEvent[];
let deps: StripeWebhookDeps;

beforeAll(async () => {
  sign = (await loadStripeFake()).stripeSignature;
});
beforeEach(() => {
  clock = T0;
  ({ ledger, refunds, intents, logged, deps } = webhookWorld(SECRET, () => clock));
  paid('tx1', 'pi_1');
});

/** A succeeded payment of 10.00 USD held by `transactionId`, with its PaymentIntent. */
function paid(transactionId: string, pi: string): void {
  const base = { uid: 'u1', amount: 1000, currency: 'USD', paymentMethod: 'credit_card' as const };
  const record: PaymentRecord = {
    ...base,
    status: PaymentStatus.succeeded,
    attempts: 1,
    requestHash: requestHash(base),
    providerRef: pi,
    chargeId: `ch_${pi}`,
    createdAt: T0 - 60_000,
    updatedAt: T0 - 60_000,
  };
  ledger.put(transactionId, record);
  intents.hold(pi, transactionId);
}

let seq = 0;
/** A Stripe refund as events carry it: ours for tx1 / rf1 unless `over` says otherwise. */
const refundObject = (over: Record<string, unknown> = {}) => ({
  id: 're_1',
  object: 'refund',
  amount: 400,
  currency: 'usd',
  charge: 'ch_pi_1',
  payment_intent: 'pi_1',
  created: Math.floor(T0 / 1000),
  metadata: { transactionId: 'tx1', refundId: 'rf1', uid: 'u1' },
  status: 'succeeded',
  failure_reason: null,
  ...over,
});

function deliver(type: string, object: Record<string, unknown>, id = `evt_${++seq}`) {
  const payload = JSON.stringify({ id, object: 'event', type, created: Math.floor(clock / 1000), data: { object } });
  return handleStripeWebhook(deps, {
    rawBody: Buffer.from(payload),
    signature: sign(payload, SECRET, Math.floor(clock / 1000)),
  });
}

const totals = async (id = 'tx1') => {
  const r = await ledger.get(id);
  return { refundedAmount: r?.refundedAmount ?? 0, pendingRefundAmount: r?.pendingRefundAmount ?? 0 };
};
const outcome = async (p: ReturnType<typeof deliver>) => (await p).body.outcome;

describe('our refunds', () => {
  it('records a refund of ours under its refundId and moves the totals, once', async () => {
    expect(await outcome(deliver('refund.created', refundObject(), 'evt_a'))).toBe('refund-succeeded');
    expect(await refunds.getRefund('tx1', 'rf1')).toMatchObject({
      status: 'succeeded',
      amount: 400,
      currency: 'USD',
      providerRefundId: 're_1',
      source: 'callable',
    });
    expect(await totals()).toEqual({ refundedAmount: 400, pendingRefundAmount: 0 });
    expect(await outcome(deliver('refund.created', refundObject(), 'evt_a'))).toBe('duplicate');
    expect(await outcome(deliver('refund.updated', refundObject()))).toBe('unchanged');
    expect(await totals()).toEqual({ refundedAmount: 400, pendingRefundAmount: 0 });
    expect(logged.filter((l) => l.event === 'refund.settled')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ by: 'webhook', status: 'succeeded' }) as unknown }),
    ]);
  });

  it('a pending refund that fails: pending counted, then given back; late or repeated events change nothing', async () => {
    const created = refundObject({ status: 'pending' });
    const failed = refundObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    expect(await outcome(deliver('refund.created', created))).toBe('refund-pending');
    expect(await totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 400 });
    expect(await outcome(deliver('refund.failed', failed))).toBe('refund-failed');
    expect(await totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    expect(await refunds.getRefund('tx1', 'rf1')).toMatchObject({
      status: 'failed',
      failureReason: 'expired_or_canceled_card',
    });
    // Out of order: the older pending and succeeded states never step a failed refund back.
    expect(await outcome(deliver('refund.updated', refundObject()))).toBe('unchanged');
    expect(await outcome(deliver('refund.created', created))).toBe('unchanged');
    expect(await totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
  });

  it('a succeeded refund that fails later takes refundedAmount back down (a warning)', async () => {
    await deliver('refund.created', refundObject());
    expect(await outcome(deliver('refund.failed', refundObject({ status: 'failed' })))).toBe('refund-failed');
    expect(await totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    const settled = logged.filter((l) => l.event === 'refund.settled').map((l) => [l.fields.previous, l.severity]);
    expect(settled).toEqual([
      [null, 'INFO'],
      ['succeeded', 'WARNING'],
    ]);
  });

  it('a refund of another amount than the recorded one is a mismatch and changes nothing', async () => {
    await deliver('refund.created', refundObject());
    expect(await outcome(deliver('refund.updated', refundObject({ amount: 900 })))).toBe('mismatch');
    expect(await totals()).toEqual({ refundedAmount: 400, pendingRefundAmount: 0 });
    expect((await ledger.health(clock)).mismatches).toBe(1);
    expect(logged.map((l) => l.event)).toContain('refund.mismatch');
  });
});

describe('refunds made outside the product', () => {
  it("a Dashboard refund (no metadata) is recorded under an id derived from Stripe's, source provider", async () => {
    const dashboard = refundObject({ id: 're_dash', amount: 250, metadata: {} });
    expect(await outcome(deliver('refund.created', dashboard))).toBe('refund-succeeded');
    expect(await refunds.getRefund('tx1', 'stripe-re_dash')).toMatchObject({ source: 'provider', amount: 250 });
    expect(await totals()).toEqual({ refundedAmount: 250, pendingRefundAmount: 0 });
  });

  it("charge.refunded records the charge's refunds the ledger misses, and only those", async () => {
    await deliver('refund.created', refundObject());
    const charge = {
      id: 'ch_pi_1',
      object: 'charge',
      amount: 1000,
      amount_refunded: 650,
      payment_intent: 'pi_1',
      metadata: { transactionId: 'tx1', uid: 'u1' },
      refunds: {
        object: 'list',
        data: [refundObject({ id: 're_dash', amount: 250, metadata: {}, created: 2 }), refundObject({ created: 1 })],
      },
    };
    expect(await outcome(deliver('charge.refunded', charge))).toBe('refunds-recorded');
    expect(await outcome(deliver('charge.refunded', charge))).toBe('unchanged');
    expect(await totals()).toEqual({ refundedAmount: 650, pendingRefundAmount: 0 });
    expect(await outcome(deliver('charge.refunded', { ...charge, refunds: undefined }))).toBe('no-refund-list');
  });

  it('a refund of a PaymentIntent no record holds is an orphan refund: logged, counted, nothing recorded', async () => {
    const orphan = refundObject({ id: 're_o', payment_intent: 'pi_nobody', metadata: {} });
    expect(await outcome(deliver('refund.created', orphan))).toBe('orphan-refund');
    expect(logged.find((l) => l.event === 'stripe_webhook.orphan_refund')).toMatchObject({
      severity: 'ERROR',
      fields: { refund: 're_o', paymentIntent: 'pi_nobody', amount: 400 },
    });
    expect((await ledger.health(clock)).orphanRefunds).toBe(1);
    // Its charge.refunded is no second incident.
    const charge = {
      id: 'ch_x',
      object: 'charge',
      payment_intent: 'pi_nobody',
      metadata: {},
      refunds: { data: [orphan] },
    };
    expect(await outcome(deliver('charge.refunded', charge))).toBe('orphan-refund');
    expect((await ledger.health(clock)).orphanRefunds).toBe(1);
  });

  it('metadata naming a record that does not hold the PaymentIntent: foreign, recorded where the PaymentIntent is', async () => {
    paid('tx2', 'pi_2');
    const foreign = refundObject({ id: 're_f', payment_intent: 'pi_2', amount: 100 });
    expect(await outcome(deliver('refund.created', foreign))).toBe('refund-succeeded');
    expect(logged.find((l) => l.event === 'stripe_webhook.foreign_intent')).toMatchObject({
      fields: { transactionId: 'tx1', paymentIntent: 'pi_2', reason: 'other-intent' },
    });
    expect((await ledger.health(clock)).foreignIntents).toBe(1);
    expect(await totals('tx1')).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    expect(await refunds.getRefund('tx2', 'stripe-re_f')).toMatchObject({ amount: 100, source: 'provider' });
  });

  it('a ledger that cannot be written answers 500 and forgets nothing: Stripe delivers it again', async () => {
    const broken = {
      ...deps,
      refunds: Object.assign(Object.create(refunds) as MemoryRefundLedger, {
        recordProviderRefund: () => Promise.reject(new Error('unavailable')),
      }),
    };
    const payload = JSON.stringify({
      id: 'evt_x',
      object: 'event',
      type: 'refund.created',
      created: 1,
      data: { object: refundObject() },
    });
    const reply = await handleStripeWebhook(broken, {
      rawBody: payload,
      signature: sign(payload, SECRET, Math.floor(clock / 1000)),
    });
    expect(reply.status).toBe(500);
    expect(await outcome(deliver('refund.created', refundObject(), 'evt_x'))).toBe('refund-succeeded');
  });
});
