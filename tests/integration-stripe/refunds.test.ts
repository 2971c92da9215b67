// refundPayment in Stripe mode: the real callable through the Firebase web SDK,
// the functions emulator with PAYMENT_PROVIDER=stripe, the Stripe fake's
// /v1/refunds, and its signed refund webhooks delivered to the emulated
// stripeWebhook. After every test the fake's refunds and the ledger agree.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProcessPaymentResult, RefundPaymentResult } from '../../functions/src/api/index.js';
import type { RefundRecord } from '../../functions/src/payments/refunds/refundLedger.js';
import { adminDb } from '../integration/admin.js';
import { USERS, errorOf, session, type Session } from '../integration/client.js';
import { expectLedgersAgree, expectRefundsAgree } from './ledgerCheck.js';
import { recordOf, txnIds } from './records.js';
import {
  apiRequests,
  createOutsideRefund,
  fakeEvents,
  fakeLedger,
  flushWebhooks,
  holdWebhooks,
  intentsOf,
  pendRefunds,
  resendEvent,
  setFaults,
  settleRefund,
  warmWebhook,
  webhooksDelivered,
} from './stripeFake.js';

const txn = txnIds('sr');

/** The ledger's refund `refundId` of `transactionId`. */
const refundRecordOf = async (transactionId: string, refundId: string) =>
  (await adminDb().doc(`payments/${transactionId}/refunds/${refundId}`).get()).data() as RefundRecord | undefined;

/** Polls a refund record until it has `status` (a webhook writes it shortly after the fake's transition). */
const refundBecomes = (transactionId: string, refundId: string, status: string) =>
  vi.waitFor(
    async () => {
      const r = await refundRecordOf(transactionId, refundId);
      expect(r?.status, `payments/${transactionId}/refunds/${refundId}`).toBe(status);
      return r!;
    },
    { timeout: 15_000, interval: 100 },
  );

/** The Stripe refunds of `transactionId`'s PaymentIntent, oldest first. */
async function stripeRefundsOf(transactionId: string) {
  const [pi] = await intentsOf(transactionId);
  return (await fakeLedger()).refunds.filter((r) => r.payment_intent === pi!.id);
}

/** Refund totals of a payment record, 0 when absent. */
async function totalsOf(transactionId: string) {
  const r = await recordOf(transactionId);
  return { refundedAmount: r?.refundedAmount ?? 0, pendingRefundAmount: r?.pendingRefundAmount ?? 0 };
}

describe('refundPayment with the Stripe provider, against the Stripe fake', () => {
  let user: Session, admin: Session;
  const pay = async (transactionId: string, amount = 20, paymentMethodId = 'pm_card_visa') =>
    user.call<ProcessPaymentResult>('processPayment', {
      amount,
      paymentMethod: 'credit_card',
      transactionId,
      paymentMethodId,
    });
  const refund = (req: { transactionId: string; refundId: string; amount?: number; reason?: string }) =>
    admin.call<RefundPaymentResult>('refundPayment', req);

  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin), warmWebhook()]);
    await admin.call('resetCircuitBreakers', {});
  });
  afterEach(async () => {
    await setFaults({ mode: 'none' });
    await pendRefunds(0);
    await holdWebhooks(false);
    await flushWebhooks('created');
    await webhooksDelivered();
    await expectLedgersAgree();
    await expectRefundsAgree();
    // A case of unanswered requests may have opened the breaker: the next starts with it closed.
    await admin.call('resetCircuitBreakers', {});
  });
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  it('refunds the whole payment: one Stripe refund with our metadata, recorded with its re_ id', async () => {
    const id = txn('full');
    await pay(id);
    const res = await refund({ transactionId: id, refundId: 'full-1', reason: 'requested_by_customer' });
    expect(res).toEqual({
      transactionId: id,
      refundId: 'full-1',
      status: 'succeeded',
      amount: 20,
      currency: 'USD',
      refundedAmount: 20,
      replayed: false,
    });
    const [re, ...more] = await stripeRefundsOf(id);
    expect(more).toEqual([]);
    expect(re).toMatchObject({
      amount: 2000,
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { transactionId: id, refundId: 'full-1', uid: user.uid },
    });
    expect(await refundRecordOf(id, 'full-1')).toMatchObject({
      status: 'succeeded',
      amount: 2000,
      providerRefundId: re!.id,
      source: 'callable',
    });
    expect(await recordOf(id)).toMatchObject({ status: 'succeeded', refundedAmount: 2000, pendingRefundAmount: 0 });
    expect((await fakeLedger()).requestsByKey[`${id}:refund:full-1`]).toBe(1);
  });

  it('two partial refunds, then the rest', async () => {
    const id = txn('parts');
    await pay(id);
    expect(await refund({ transactionId: id, refundId: 'p1', amount: 5 })).toMatchObject({ refundedAmount: 5 });
    expect(await refund({ transactionId: id, refundId: 'p2', amount: 7.5 })).toMatchObject({ refundedAmount: 12.5 });
    expect(await refund({ transactionId: id, refundId: 'p3' })).toMatchObject({ amount: 7.5, refundedAmount: 20 });
    expect((await stripeRefundsOf(id)).map((r) => [r.metadata.refundId, r.amount])).toEqual([
      ['p1', 500],
      ['p2', 750],
      ['p3', 750],
    ]);
    expect((await errorOf(refund({ transactionId: id, refundId: 'p4', amount: 0.01 }))).code).toBe(
      'failed-precondition',
    );
  });

  it('replays a refundId without a Stripe request; the same refundId with another amount is already-exists', async () => {
    const id = txn('replay');
    await pay(id);
    const first = await refund({ transactionId: id, refundId: 'r1', amount: 3 });
    const before = await apiRequests();
    expect(await refund({ transactionId: id, refundId: 'r1', amount: 3 })).toEqual({ ...first, replayed: true });
    expect((await errorOf(refund({ transactionId: id, refundId: 'r1', amount: 4 }))).code).toBe('already-exists');
    expect(await apiRequests()).toBe(before);
    expect(await stripeRefundsOf(id)).toHaveLength(1);
  });

  it('above what is left: failed-precondition with what is refundable, nothing sent', async () => {
    const id = txn('over');
    await pay(id);
    await refund({ transactionId: id, refundId: 'o1', amount: 15 });
    const before = await apiRequests();
    const err = await errorOf(refund({ transactionId: id, refundId: 'o2', amount: 6 }));
    expect(err).toMatchObject({ code: 'failed-precondition', details: { refundable: 5 } });
    expect(await apiRequests()).toBe(before);
    expect(await refundRecordOf(id, 'o2')).toBeUndefined();
  });

  it('a declined payment, an unknown one and a missing one cannot be refunded; nothing is sent', async () => {
    const declined = txn('declined');
    expect(await pay(declined, 20, 'pm_card_chargeDeclined')).toMatchObject({ status: 'declined' });
    const unknown = txn('unknown');
    const base = { uid: user.uid!, amount: 2000, currency: 'USD', paymentMethod: 'credit_card' };
    await adminDb()
      .doc(`payments/${unknown}`)
      .set({ ...base, status: 'unknown', attempts: 1, requestHash: 'x', createdAt: Date.now(), updatedAt: Date.now() });
    const before = await apiRequests();
    expect((await errorOf(refund({ transactionId: declined, refundId: 'd1' }))).code).toBe('failed-precondition');
    expect((await errorOf(refund({ transactionId: unknown, refundId: 'u1' }))).code).toBe('failed-precondition');
    expect((await errorOf(refund({ transactionId: txn('missing'), refundId: 'm1' }))).code).toBe('not-found');
    expect(await apiRequests()).toBe(before);
  });

  it('a plain user is refused (permission-denied) and nothing is written or sent', async () => {
    const id = txn('user');
    await pay(id);
    const before = await apiRequests();
    const err = await errorOf(user.call('refundPayment', { transactionId: id, refundId: 'x1' }));
    expect(err.code).toBe('permission-denied');
    expect(await refundRecordOf(id, 'x1')).toBeUndefined();
    expect(await apiRequests()).toBe(before);
  });

  it('a lost answer: unknown, then resolved by lookup to succeeded, with one Stripe refund', async () => {
    const id = txn('lost');
    await pay(id);
    await webhooksDelivered();
    // The webhook would settle it first: held, so only the call's own lookups can tell.
    await holdWebhooks(true);
    await setFaults({ mode: 'commit-then-hang', endpoint: 'refund_create', count: 1 });
    const call = errorOf(refund({ transactionId: id, refundId: 'lost-1' }));
    // Once Stripe made the refund, nothing it is asked answers until the call gives up.
    await vi.waitFor(async () => expect(await stripeRefundsOf(id)).toHaveLength(1), { timeout: 10_000 });
    await setFaults({ mode: 'hang', endpoint: 'any' });
    expect(await call).toMatchObject({ code: 'deadline-exceeded', details: { refundId: 'lost-1', status: 'unknown' } });
    expect(await refundRecordOf(id, 'lost-1')).toMatchObject({ status: 'unknown' });
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 2000 });
    await setFaults({ mode: 'none' });
    expect(await refund({ transactionId: id, refundId: 'lost-1' })).toMatchObject({
      status: 'succeeded',
      refundedAmount: 20,
    });
    const refunds = await stripeRefundsOf(id);
    expect(refunds).toHaveLength(1);
    expect(await refundRecordOf(id, 'lost-1')).toMatchObject({ status: 'succeeded', providerRefundId: refunds[0]!.id });
  });

  it('a 500 before Stripe executed, then success: one refund', async () => {
    const id = txn('5xx');
    await pay(id);
    const before = (await fakeLedger()).requestsByEndpoint.refund_create ?? 0;
    await setFaults({ mode: 'error-before', endpoint: 'refund_create', count: 1 });
    expect(await refund({ transactionId: id, refundId: 'e1' })).toMatchObject({ status: 'succeeded' });
    expect(await stripeRefundsOf(id)).toHaveLength(1);
    expect((await fakeLedger()).requestsByEndpoint.refund_create! - before).toBe(2);
  });

  it('a 500 saved after Stripe executed: resolved by lookup, never a second refund', async () => {
    const id = txn('5xx-after');
    await pay(id);
    await setFaults({ mode: 'error-after', endpoint: 'refund_create', count: 1 });
    expect(await refund({ transactionId: id, refundId: 'e2' })).toMatchObject({ status: 'succeeded' });
    expect(await stripeRefundsOf(id)).toHaveLength(1);
  });

  it('a pending refund that fails later: pending, then failed, and its amount is refundable again', async () => {
    const id = txn('pending');
    await pay(id);
    await pendRefunds(1);
    expect(await refund({ transactionId: id, refundId: 'pf' })).toMatchObject({ status: 'pending', refundedAmount: 0 });
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 2000 });
    const [re] = await stripeRefundsOf(id);
    await settleRefund(re!.id, false, 'expired_or_canceled_card');
    expect(await refundBecomes(id, 'pf', 'failed')).toMatchObject({ failureReason: 'expired_or_canceled_card' });
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    expect(await refund({ transactionId: id, refundId: 'pf2' })).toMatchObject({ refundedAmount: 20 });
  });

  it('a succeeded refund that fails later takes refundedAmount back down', async () => {
    const id = txn('late-fail');
    await pay(id);
    await refund({ transactionId: id, refundId: 'lf', amount: 8 });
    const [re] = await stripeRefundsOf(id);
    await settleRefund(re!.id, false);
    await refundBecomes(id, 'lf', 'failed');
    expect(await totalsOf(id)).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
  });

  it("a Dashboard refund is recorded (source provider) and refundedAmount equals Stripe's amount_refunded", async () => {
    const id = txn('dashboard');
    await pay(id);
    await refund({ transactionId: id, refundId: 'own', amount: 4 });
    const [pi] = await intentsOf(id);
    const outside = await createOutsideRefund({ paymentIntent: pi!.id, amount: 650 });
    expect(await refundBecomes(id, `stripe-${outside.id}`, 'succeeded')).toMatchObject({
      amount: 650,
      source: 'provider',
      providerRefundId: outside.id,
    });
    const charge = (await fakeLedger()).charges.find((c) => c.id === pi!.latest_charge)!;
    expect(charge.amount_refunded).toBe(1050);
    await vi.waitFor(async () => expect((await totalsOf(id)).refundedAmount).toBe(charge.amount_refunded));
    const err = await errorOf(refund({ transactionId: id, refundId: 'own2', amount: 10 }));
    expect(err).toMatchObject({ code: 'failed-precondition', details: { refundable: 9.5 } });
  });

  it('duplicated and out-of-order refund webhooks change nothing wrong', async () => {
    const id = txn('events');
    await pay(id);
    await webhooksDelivered();
    await holdWebhooks(true);
    await pendRefunds(1);
    expect(await refund({ transactionId: id, refundId: 'ev', amount: 6 })).toMatchObject({ status: 'pending' });
    const [pi] = await intentsOf(id);
    await createOutsideRefund({ paymentIntent: pi!.id, amount: 300 });
    const [ours] = await stripeRefundsOf(id);
    await settleRefund(ours!.id, true);
    await flushWebhooks('reverse');
    await webhooksDelivered();
    const isRefundEvent = (type: string) => type === 'charge.refunded' || type.startsWith('refund.');
    const mine = (await fakeEvents()).events.filter(
      (e) => isRefundEvent(e.type) && 'payment_intent' in e.data.object && e.data.object.payment_intent === pi!.id,
    );
    expect(mine.map((e) => e.type).sort()).toEqual([
      'charge.refunded',
      'charge.refunded',
      'refund.created',
      'refund.created',
      'refund.updated',
    ]);
    for (const e of mine) await resendEvent(e.id);
    await webhooksDelivered();
    expect(await refundRecordOf(id, 'ev')).toMatchObject({ status: 'succeeded', amount: 600 });
    expect(await totalsOf(id)).toEqual({ refundedAmount: 900, pendingRefundAmount: 0 });
  });
});
