import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChargeObject, Refund } from './objects.ts';
import { startStripeFake } from './server.ts';
import type { StripeFake } from './server.ts';
import { clientFor } from './testKit.ts';
import type { ErrorBody } from './testKit.ts';

const KEY = 'sk_test_refunds';
let fake: StripeFake;
beforeEach(async () => {
  fake = await startStripeFake({ apiKey: KEY });
});
afterEach(() => fake.close());

const { call, create, paid, refund, control } = clientFor(() => fake.url, KEY);

const chargeOf = (chargeId: string) => fake.ledger().charges.find((c) => c.id === chargeId)!;
/** The refund events so far: type, refund or charge id, and its status or amount_refunded. */
const refundEvents = () =>
  fake
    .events()
    .events.filter((e) => e.type.startsWith('refund.') || e.type === 'charge.refunded')
    .map((e) =>
      e.type === 'charge.refunded'
        ? [e.type, (e.data.object as ChargeObject).amount_refunded]
        : [e.type, (e.data.object as Refund).status],
    );

describe('POST /v1/refunds', () => {
  it('refunds the whole charge by default, with its metadata and reason, and reads it back', async () => {
    const { piId, chargeId } = await paid('tx-1');
    const metadata = { 'metadata[refundId]': 'rf-1', 'metadata[transactionId]': 'tx-1' };
    const res = await refund({ payment_intent: piId, reason: 'requested_by_customer', ...metadata }, 'k1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'refund',
      amount: 1999,
      currency: 'usd',
      charge: chargeId,
      payment_intent: piId,
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { refundId: 'rf-1', transactionId: 'tx-1' },
      failure_reason: null,
    });
    expect(res.body.id).toMatch(/^re_/);
    expect(chargeOf(chargeId)).toMatchObject({ amount_refunded: 1999, refunded: true });
    expect((await call('GET', `/v1/refunds/${res.body.id}`)).body).toEqual(res.body);
    const listed = await call<{ object: string; data: Refund[]; has_more: boolean }>(
      'GET',
      `/v1/refunds?payment_intent=${piId}`,
    );
    expect(listed.body).toMatchObject({ object: 'list', has_more: false, data: [res.body] });
    expect(fake.ledger().refunds).toEqual([res.body]);
  });

  it('takes partial refunds until nothing is left, and refuses more than is left with nothing refunded', async () => {
    const { piId, chargeId } = await paid('tx-2', 1000);
    expect((await refund({ payment_intent: piId, amount: '300' })).body.amount).toBe(300);
    expect((await refund({ payment_intent: piId, amount: '200' })).body.amount).toBe(200);
    const over = await refund({ payment_intent: piId, amount: '501' }, 'over');
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ type: 'invalid_request_error', code: 'amount_too_large', param: 'amount' });
    expect(chargeOf(chargeId)).toMatchObject({ amount_refunded: 500, refunded: false });
    // A refusal saves nothing for its key: the same key with a right amount executes.
    const rest = await refund({ payment_intent: piId }, 'over2');
    expect(rest.body.amount).toBe(500);
    expect(chargeOf(chargeId)).toMatchObject({ amount_refunded: 1000, refunded: true });
    const again = await refund({ payment_intent: piId });
    expect(again.body.error).toMatchObject({ code: 'charge_already_refunded' });
    expect(fake.ledger().refunds.map((r) => r.amount)).toEqual([300, 200, 500]);
  });

  it("follows Stripe's idempotency: a repeat is the same refund, other parameters are refused", async () => {
    const { piId } = await paid('tx-3');
    const first = await refund({ payment_intent: piId, amount: '100' }, 'rf-key');
    const again = await refund({ payment_intent: piId, amount: '100' }, 'rf-key');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await refund({ payment_intent: piId, amount: '200' }, 'rf-key');
    expect([other.status, other.body.error.type]).toEqual([400, 'idempotency_error']);
    expect(fake.ledger().refunds).toHaveLength(1);
    expect(fake.ledger().requestsByKey['rf-key']).toBe(3);
  });

  it('refuses what Stripe refuses, before anything is refunded', async () => {
    const { piId } = await paid('tx-4');
    const { body: open } = await create('tx-open');
    const cases: [Record<string, string>, number, string | undefined][] = [
      [{}, 400, 'parameter_missing'],
      [{ payment_intent: 'pi_nope' }, 404, 'resource_missing'],
      [{ payment_intent: open.id }, 400, 'charge_not_refundable'],
      [{ payment_intent: piId, amount: '0' }, 400, 'parameter_invalid_integer'],
      [{ payment_intent: piId, amount: '1.5' }, 400, 'parameter_invalid_integer'],
      [{ payment_intent: piId, reason: 'changed_mind' }, 400, 'parameter_invalid'],
      [{ payment_intent: piId, currency: 'usd' }, 400, 'parameter_unknown'],
      [{ charge: 'ch_1' }, 400, 'parameter_unknown'],
    ];
    for (const [fields, status, code] of cases) {
      const res = await refund(fields);
      expect([fields, res.status, (res.body as ErrorBody).error.code]).toEqual([fields, status, code]);
    }
    expect(fake.ledger().refunds).toEqual([]);
  });
});

describe('GET /v1/refunds', () => {
  it('lists newest first, by PaymentIntent, in pages', async () => {
    const a = await paid('tx-a');
    const b = await paid('tx-b');
    const ids: string[] = [];
    for (const amount of ['1', '2', '3']) ids.push((await refund({ payment_intent: a.piId, amount })).body.id);
    await refund({ payment_intent: b.piId, amount: '5' });
    type Page = { data: Refund[]; has_more: boolean };
    const page1 = await call<Page>('GET', `/v1/refunds?payment_intent=${a.piId}&limit=2`);
    expect([page1.body.data.map((r) => r.id), page1.body.has_more]).toEqual([[ids[2], ids[1]], true]);
    const page2 = await call<Page>('GET', `/v1/refunds?payment_intent=${a.piId}&limit=2&starting_after=${ids[1]}`);
    expect([page2.body.data.map((r) => r.id), page2.body.has_more]).toEqual([[ids[0]], false]);
    expect((await call<Page>('GET', '/v1/refunds')).body.data).toHaveLength(4);
    expect((await call<ErrorBody>('GET', '/v1/refunds?payment_intent=pi_nope')).status).toBe(404);
    expect((await call<ErrorBody>('GET', '/v1/refunds?limit=0')).body.error.param).toBe('limit');
    expect((await call<ErrorBody>('GET', '/v1/refunds/re_nope')).body.error.code).toBe('resource_missing');
  });
});

describe('refunds that settle later, and refunds made in the Dashboard', () => {
  it('keeps the next refund pending; it then succeeds, or fails and gives its amount back', async () => {
    const { piId, chargeId } = await paid('tx-p', 1000);
    expect((await control('POST', '/refunds/pend_next', { count: 2 })).body).toEqual({ pendingNext: 2 });
    const r1 = (await refund({ payment_intent: piId, amount: '400' })).body;
    const r2 = (await refund({ payment_intent: piId, amount: '600' })).body;
    expect([r1.status, r2.status]).toEqual(['pending', 'pending']);
    expect(chargeOf(chargeId).amount_refunded).toBe(1000);
    expect((await control('POST', `/refunds/${r1.id}/settle`, {})).body).toMatchObject({ status: 'succeeded' });
    const failed = await control('POST', `/refunds/${r2.id}/settle`, {
      succeed: false,
      failureReason: 'lost_or_stolen_card',
    });
    expect(failed.body).toMatchObject({ status: 'failed', failure_reason: 'lost_or_stolen_card' });
    expect(chargeOf(chargeId)).toMatchObject({ amount_refunded: 400, refunded: false });
    expect((await control('POST', `/refunds/${r2.id}/settle`, {})).status).toBe(409);
    // A succeeded card refund can still fail later.
    const late = await control('POST', `/refunds/${r1.id}/settle`, { succeed: false });
    expect(late.body).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    expect(chargeOf(chargeId).amount_refunded).toBe(0);
    expect((await refund({ payment_intent: piId })).body).toMatchObject({ amount: 1000, status: 'succeeded' });
    expect(refundEvents()).toEqual([
      ['refund.created', 'pending'],
      ['charge.refunded', 400],
      ['refund.created', 'pending'],
      ['charge.refunded', 1000],
      ['refund.updated', 'succeeded'],
      ['refund.updated', 'failed'],
      ['refund.failed', 'failed'],
      ['refund.updated', 'failed'],
      ['refund.failed', 'failed'],
      ['refund.created', 'succeeded'],
      ['charge.refunded', 1000],
    ]);
  });

  it("makes a Dashboard refund (no metadata) and sends charge.refunded with the charge's refunds and metadata", async () => {
    const { piId, chargeId } = await paid('tx-d', 1000);
    await refund({ payment_intent: piId, amount: '100', 'metadata[refundId]': 'rf-own' });
    const outside = await control<Refund>('POST', '/refunds', {
      paymentIntent: piId,
      amount: 250,
      reason: 'duplicate',
    });
    expect(outside.body).toMatchObject({ amount: 250, reason: 'duplicate', metadata: {}, status: 'succeeded' });
    expect((await control('POST', '/refunds', { paymentIntent: piId, amount: 651 })).status).toBe(400);
    expect((await control('POST', '/refunds', { paymentIntent: 7 })).status).toBe(400);
    const last = fake.events().events.at(-1)!;
    expect(last.type).toBe('charge.refunded');
    expect(last.data.object).toMatchObject({
      object: 'charge',
      id: chargeId,
      amount_refunded: 350,
      metadata: { transactionId: 'tx-d', uid: 'u1' },
      refunds: { data: [{ id: outside.body.id }, { metadata: { refundId: 'rf-own' } }] },
    });
    const created = fake.events().events.filter((e) => e.type === 'refund.created');
    expect(created.map((e) => e.request.idempotency_key)).toEqual([null, null]);
  });

  it('forgets refunds and pending settings on reset', async () => {
    const { piId } = await paid('tx-r');
    await control('POST', '/refunds/pend_next', {});
    await refund({ payment_intent: piId, amount: '1' });
    await control('POST', '/reset');
    expect(fake.ledger().refunds).toEqual([]);
    const again = await paid('tx-r2');
    expect((await refund({ payment_intent: again.piId })).body.status).toBe('succeeded');
  });
});

describe('faults on refunds', () => {
  it('error-after: the refund is made and the 500 is saved for the key; error-before makes none', async () => {
    const { piId, chargeId } = await paid('tx-f', 1000);
    await control('PUT', '/faults', { mode: 'error-after', endpoint: 'refund_create', count: 1 });
    const first = await refund({ payment_intent: piId, amount: '100' }, 'f1');
    const replay = await refund({ payment_intent: piId, amount: '100' }, 'f1');
    expect([first.status, replay.status]).toEqual([500, 500]);
    expect(chargeOf(chargeId).amount_refunded).toBe(100);
    await control('PUT', '/faults', { mode: 'error-before', endpoint: 'refund_create', count: 1 });
    expect((await refund({ payment_intent: piId, amount: '100' }, 'f2')).status).toBe(500);
    expect((await refund({ payment_intent: piId, amount: '100' }, 'f2')).status).toBe(200);
    await control('PUT', '/faults', { mode: 'rate-limit', endpoint: 'refund_list', count: 1 });
    expect((await call('GET', `/v1/refunds?payment_intent=${piId}`)).status).toBe(429);
    expect(fake.ledger().refunds.map((r) => r.amount)).toEqual([100, 100]);
    expect(fake.ledger().requestsByEndpoint).toMatchObject({ refund_create: 4, refund_list: 1 });
  });
});
