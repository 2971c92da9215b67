/**
 * StripeProvider's refunds against the Stripe fake over real HTTP through the
 * real stripe SDK: the request Stripe gets, the answers, lookups by id and by
 * our refundId, and Stripe's failures and transport faults.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.js';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { stripeRequest, useStripeFake, useStripeProvider } from '../../webhooks/testing/stripeFake.js';
import { holdsRefundSettleWindow, mayBeRefunded, type RefundRequest } from '../refunds/refundProvider.js';
import { PAYMENT_SERVICE } from './paymentProvider.js';
import { createPaymentProvider, createRefundProvider } from './providerFromConfig.js';
import type { StripeProvider } from './stripeProvider.js';
import { refundKey } from './stripeRefunds.js';

const KEY = 'sk_test_refunds_secret';
const fake = useStripeFake(KEY);
const world = useStripeProvider(fake, KEY);
let http: HttpPoolManager;
let provider: StripeProvider;
beforeEach(() => ({ http, provider } = world()));

/** A succeeded payment of 19.99 USD for `transactionId`: its PaymentIntent id. */
async function paid(transactionId: string): Promise<string> {
  const req = stripeRequest(transactionId);
  const ref = await provider.prepare(req, 2000);
  expect(await provider.charge(ref, req, 2000)).toMatchObject({ kind: 'succeeded' });
  return ref;
}

const refundOf = (transactionId: string, refundId: string, amount: number): RefundRequest => ({
  transactionId,
  refundId,
  uid: 'u1',
  amount,
  currency: 'USD',
});

/** A refund made straight at the fake's API, as the Dashboard or another client would. */
async function otherRefund(pi: string, amount: number, metadata: Record<string, string> = {}): Promise<string> {
  const form = new URLSearchParams({ payment_intent: pi, amount: String(amount) });
  for (const [k, v] of Object.entries(metadata)) form.set(`metadata[${k}]`, v);
  const res = await fetch(`${fake().url}/v1/refunds`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return ((await res.json()) as { id: string }).id;
}

describe('refund', () => {
  it('is what Stripe mode builds: the StripeProvider is its own refund provider', async () => {
    const cfg = parseConfig({ PAYMENT_PROVIDER: 'stripe', PAYMENT_SERVICE_URL: fake().url });
    const payments = createPaymentProvider(http, cfg, KEY);
    const refunds = createRefundProvider(payments);
    expect(refunds).toBe(payments);
    const pi = await paid('tx-r0');
    expect(await refunds!.refund(pi, refundOf('tx-r0', 'rf-0', 100), 2000)).toMatchObject({ kind: 'refund' });
  });

  it('creates one refund with our metadata, reason and key, and answers it', async () => {
    const pi = await paid('tx-r1');
    const req = { ...refundOf('tx-r1', 'rf-1', 500), reason: 'requested_by_customer' as const };
    const answer = await provider.refund(pi, req, 2000);
    const [stored] = fake().ledger().refunds;
    expect(answer).toEqual({
      kind: 'refund',
      refund: { providerRefundId: stored!.id, refundId: 'rf-1', status: 'succeeded', amount: 500, currency: 'USD' },
    });
    expect(stored).toMatchObject({
      amount: 500,
      payment_intent: pi,
      metadata: { transactionId: 'tx-r1', refundId: 'rf-1', uid: 'u1' },
    });
    expect(refundKey(req)).toBe('tx-r1:refund:rf-1');
    // Every attempt of the refund is the same request: a repeat is Stripe's saved answer, not a second refund.
    expect(await provider.refund(pi, req, 2000)).toEqual(answer);
    expect(fake().ledger().refunds).toHaveLength(1);
    expect(fake().ledger().requestsByKey['tx-r1:refund:rf-1']).toBe(2);
    expect(http.stats(PAYMENT_SERVICE).requests).toBe(4);
  });

  it('refusals refund nothing: another amount for the key, more than is left, no PaymentIntent', async () => {
    const pi = await paid('tx-r2');
    await provider.refund(pi, refundOf('tx-r2', 'rf-a', 1000), 2000);
    const conflict = await provider.refund(pi, refundOf('tx-r2', 'rf-a', 900), 2000);
    expect(conflict).toEqual({ kind: 'rejected', httpStatus: 400, providerCode: 'idempotency_error' });
    const over = await provider.refund(pi, refundOf('tx-r2', 'rf-b', 1000), 2000);
    expect(over).toEqual({ kind: 'rejected', httpStatus: 400, providerCode: 'amount_too_large' });
    const none = await provider.refund('tx-r2', refundOf('tx-r2', 'rf-c', 1), 2000);
    expect(none).toEqual({ kind: 'rejected', httpStatus: 400, providerCode: 'no_payment_intent' });
    expect([conflict, over, none].some(mayBeRefunded)).toBe(false);
    expect(
      fake()
        .ledger()
        .refunds.map((r) => r.amount),
    ).toEqual([1000]);
    expect(fake().ledger().requestsByEndpoint.refund_create).toBe(3);
  });

  it('a pending refund answers pending; its lookup follows it to succeeded, or to failed with the reason', async () => {
    const pi = await paid('tx-r3');
    fake().pendRefunds(2);
    const a = await provider.refund(pi, refundOf('tx-r3', 'rf-a', 100), 2000);
    const b = await provider.refund(pi, refundOf('tx-r3', 'rf-b', 200), 2000);
    expect([a.kind === 'refund' && a.refund.status, b.kind === 'refund' && b.refund.status]).toEqual([
      'pending',
      'pending',
    ]);
    const [ra, rb] = fake().ledger().refunds;
    fake().settleRefund(ra!.id, true);
    fake().settleRefund(rb!.id, false, 'lost_or_stolen_card');
    expect(await provider.lookupRefund(pi, refundOf('tx-r3', 'rf-a', 100), ra!.id, 2000)).toMatchObject({
      kind: 'found',
      refund: { status: 'succeeded', refundId: 'rf-a' },
    });
    expect(await provider.lookupRefund(pi, refundOf('tx-r3', 'rf-b', 200), undefined, 2000)).toEqual({
      kind: 'found',
      refund: {
        providerRefundId: rb!.id,
        refundId: 'rf-b',
        status: 'failed',
        amount: 200,
        currency: 'USD',
        failureReason: 'lost_or_stolen_card',
      },
    });
  });
});

describe('lookupRefund', () => {
  it("finds our refund among the PaymentIntent's refunds by metadata, across pages", async () => {
    const pi = await paid('tx-l1');
    await provider.refund(pi, refundOf('tx-l1', 'rf-mine', 10), 2000);
    await otherRefund(pi, 5, { transactionId: 'tx-l1', refundId: 'rf-other' });
    // 100 newer refunds push ours to the second page of Stripe's newest-first list.
    for (let i = 0; i < 100; i++) await otherRefund(pi, 1);
    const answer = await provider.lookupRefund(pi, refundOf('tx-l1', 'rf-mine', 10), undefined, 5000);
    expect(answer).toMatchObject({ kind: 'found', refund: { refundId: 'rf-mine', amount: 10 } });
    expect(fake().ledger().requestsByEndpoint.refund_list).toBe(2);
    expect(await provider.lookupRefund(pi, refundOf('tx-l1', 'rf-never', 10), undefined, 5000)).toEqual({
      kind: 'not-found',
    });
  });

  it('never reads another refund as ours, and a missing id proves nothing', async () => {
    const pi = await paid('tx-l2');
    const dashboard = await otherRefund(pi, 5);
    const req = refundOf('tx-l2', 'rf-1', 5);
    expect(await provider.lookupRefund(pi, req, dashboard, 2000)).toMatchObject({ kind: 'unavailable' });
    expect(await provider.lookupRefund(pi, req, 're_nope', 2000)).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringMatching(/Refund re_nope is missing/) as unknown,
    });
    expect(await provider.lookupRefund('pi_nope', req, undefined, 2000)).toMatchObject({ kind: 'unavailable' });
    expect(await provider.lookupRefund('tx-l2', req, undefined, 2000)).toEqual({ kind: 'not-found' });
  });
});

describe("Stripe's failures and transport faults", () => {
  it('a 500 saved after executing: not retryable, the refund is there to look up', async () => {
    const pi = await paid('tx-f1');
    const req = refundOf('tx-f1', 'rf-1', 300);
    fake().setFaults({ mode: 'error-after', endpoint: 'refund_create', count: 1 });
    const answer = await provider.refund(pi, req, 2000);
    expect(answer).toEqual({ kind: 'server-error', httpStatus: 500, retryable: false });
    expect(mayBeRefunded(answer)).toBe(true);
    expect(await provider.refund(pi, req, 2000)).toEqual(answer);
    expect(await provider.lookupRefund(pi, req, undefined, 2000)).toMatchObject({
      kind: 'found',
      refund: { status: 'succeeded', amount: 300 },
    });
    expect(fake().ledger().refunds).toHaveLength(1);
  });

  it('a 500 before executing is retryable, and the next attempt makes the one refund', async () => {
    const pi = await paid('tx-f2');
    const req = refundOf('tx-f2', 'rf-1', 300);
    fake().setFaults({ mode: 'error-before', endpoint: 'refund_create', count: 1 });
    expect(await provider.refund(pi, req, 2000)).toEqual({ kind: 'server-error', httpStatus: 500, retryable: true });
    expect(await provider.refund(pi, req, 2000)).toMatchObject({ kind: 'refund', refund: { amount: 300 } });
    expect(fake().ledger().refunds).toHaveLength(1);
  });

  it('rate limits, a key in use, and a lost answer behind a made refund', async () => {
    const pi = await paid('tx-f3');
    const req = refundOf('tx-f3', 'rf-1', 300);
    fake().setFaults({ mode: 'rate-limit', endpoint: 'refund_create', retryAfterSec: 1, count: 1 });
    expect(await provider.refund(pi, req, 2000)).toEqual({ kind: 'rate-limited', retryAfterMs: 1000 });
    fake().setFaults({ mode: 'key-in-use', endpoint: 'refund_create', count: 1 });
    const busy = await provider.refund(pi, req, 2000);
    expect(busy).toEqual({ kind: 'busy', retryAfterMs: null });
    expect(holdsRefundSettleWindow(busy)).toBe(true);
    fake().setFaults({ mode: 'commit-then-hang', endpoint: 'refund_create', count: 1 });
    const lost = await provider.refund(pi, req, 300);
    expect(lost).toMatchObject({ kind: 'no-answer', sent: true, reason: 'timeout' });
    expect(holdsRefundSettleWindow(lost)).toBe(true);
    expect(await provider.lookupRefund(pi, req, undefined, 2000)).toMatchObject({ kind: 'found' });
    expect(await provider.refund(pi, req, 2000)).toMatchObject({ kind: 'refund', refund: { refundId: 'rf-1' } });
    expect(fake().ledger().refunds).toHaveLength(1);
  });

  it('a lookup that Stripe fails or does not answer in time is unavailable', async () => {
    const pi = await paid('tx-f4');
    const req = refundOf('tx-f4', 'rf-1', 300);
    await provider.refund(pi, req, 2000);
    fake().setFaults({ mode: 'error-before', endpoint: 'refund_list', count: 1 });
    expect(await provider.lookupRefund(pi, req, undefined, 2000)).toEqual({ kind: 'unavailable', reason: 'HTTP 500' });
    fake().setFaults({ mode: 'hang', endpoint: 'refund_retrieve', count: 1 });
    const id = fake().ledger().refunds[0]!.id;
    expect(await provider.lookupRefund(pi, req, id, 300)).toEqual({ kind: 'unavailable', reason: 'timeout' });
  });
});
