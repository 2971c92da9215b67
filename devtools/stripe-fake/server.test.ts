import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeFake } from './server.ts';
import type { StripeFake } from './server.ts';
import { clientFor } from './testKit.ts';
import type { ErrorBody } from './testKit.ts';

const KEY = 'sk_test_fake_123';
let fake: StripeFake;
beforeEach(async () => {
  fake = await startStripeFake({ apiKey: KEY });
});
afterEach(() => fake.close());

const { call, create, confirm, retrieve, control } = clientFor(() => fake.url, KEY);

describe('authentication', () => {
  it('accepts the secret key as a Bearer token or a basic user, and nothing else', async () => {
    expect((await call('GET', '/v1/balance')).status).toBe(200);
    const basic = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
    expect((await call('GET', '/v1/balance', { auth: basic })).status).toBe(200);
    for (const auth of [null, 'Bearer sk_test_wrong', KEY, `Basic ${Buffer.from('x:').toString('base64')}`]) {
      const res = await call<ErrorBody>('GET', '/v1/balance', { auth });
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe('invalid_request_error');
      expect(JSON.stringify(res.body)).not.toContain('sk_test');
    }
    expect(fake.ledger().paymentIntents).toEqual([]);
  });
});

describe('PaymentIntents', () => {
  it('creates without confirming, then a card that succeeds makes one charge', async () => {
    const created = await create('tx-1');
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: 'payment_intent',
      status: 'requires_confirmation',
      amount: 1999,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      metadata: { transactionId: 'tx-1', uid: 'u1' },
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      latest_charge: null,
    });
    expect(created.body.id).toMatch(/^pi_/);
    expect(created.body.client_secret).toMatch(new RegExp(`^${created.body.id}_secret_`));
    const confirmed = await confirm(created.body.id, 'tx-1:confirm');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'succeeded', amount_received: 1999 });
    expect(confirmed.body.latest_charge).toMatch(/^ch_/);
    expect((await retrieve(created.body.id)).body).toEqual(confirmed.body);
    const { charges, paymentIntents } = fake.ledger();
    expect(charges).toEqual([expect.objectContaining({ id: confirmed.body.latest_charge, status: 'succeeded' })]);
    expect(paymentIntents.map((p) => p.status)).toEqual(['succeeded']);
  });

  it('declines with 402 card_error and puts the PaymentIntent back to requires_payment_method', async () => {
    const { body: pi } = await create('tx-d', 'pm_card_chargeDeclined');
    const res = await confirm(pi.id, 'tx-d:confirm');
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    expect(res.body.error.payment_intent).toMatchObject({ id: pi.id, status: 'requires_payment_method' });
    const now = (await retrieve(pi.id)).body;
    expect(now.status).toBe('requires_payment_method');
    expect(now.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
    expect(fake.ledger().charges.map((c) => c.status)).toEqual(['failed']);
  });

  it('asks for 3-D Secure and succeeds once the control API completes it', async () => {
    const { body: pi } = await create('tx-3ds', 'pm_card_authenticationRequired');
    const res = await confirm(pi.id, 'tx-3ds:confirm');
    expect(res.body).toMatchObject({ status: 'requires_action', next_action: { type: 'use_stripe_sdk' } });
    expect(res.body.client_secret).toBe(pi.client_secret);
    const done = await control('POST', `/payment_intents/${pi.id}/complete_authentication`);
    expect(done.body).toMatchObject({ status: 'succeeded', next_action: null });
    expect((await control('POST', `/payment_intents/${pi.id}/complete_authentication`)).status).toBe(409);
  });

  it('fails 3-D Secure on request: requires_payment_method with the authentication error', async () => {
    const { body: pi } = await create('tx-3f', 'pm_card_authenticationRequired');
    await confirm(pi.id, 'tx-3f:confirm');
    const failed = await control('POST', `/payment_intents/${pi.id}/complete_authentication`, { succeed: false });
    expect(failed.body).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'payment_intent_authentication_failure' },
    });
  });

  it('keeps a processing payment until it is settled', async () => {
    const { body: pi } = await create('tx-p', 'pm_fake_processing');
    expect((await confirm(pi.id, 'tx-p:confirm')).body.status).toBe('processing');
    expect((await retrieve(pi.id)).body.status).toBe('processing');
    expect((await control('POST', `/payment_intents/${pi.id}/settle`)).body).toMatchObject({ status: 'succeeded' });
    const { body: other } = await create('tx-p2', 'pm_fake_processing');
    await confirm(other.id, 'tx-p2:confirm');
    const declined = await control('POST', `/payment_intents/${other.id}/settle`, { succeed: false });
    expect(declined.body).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined' },
    });
  });

  it('refuses what Stripe refuses, in its error shape, and saves nothing for it', async () => {
    const bad = async (body: string, param: string, code: string) => {
      const res = await call<ErrorBody>('POST', '/v1/payment_intents', { body, key: `k-${param}-${code}` });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, ...(param ? { param } : {}) });
    };
    await bad('currency=usd', 'amount', 'parameter_missing');
    await bad('amount=10.5&currency=usd', 'amount', 'parameter_invalid_integer');
    await bad('amount=100&currency=USD', 'currency', 'parameter_invalid');
    await bad('amount=100&currency=usd&payment_method=pm_nope', 'payment_method', 'resource_missing');
    await bad('amount=100&currency=usd&colour=red', 'colour', 'parameter_unknown');
    await bad('amount=100&currency=usd&confirm=true', 'confirm', 'parameter_unknown');
    await bad(
      'amount=100&currency=usd&payment_method_types[]=card&automatic_payment_methods[enabled]=true',
      '',
      'parameter_invalid',
    );
    expect(fake.ledger().paymentIntents).toEqual([]);
  });

  it("refuses amounts and currencies by Stripe's currency rules, and takes the rest", async () => {
    let n = 0;
    const create = (body: string) => call<ErrorBody>('POST', '/v1/payment_intents', { body, key: `cur-${n++}` });
    const refusals: [string, string, string][] = [
      ['amount=1234&currency=kwd', 'amount', 'parameter_invalid_integer'],
      ['amount=1230&currency=isk', 'amount', 'invalid_charge_amount_no_decimal_compatible'],
      ['amount=5050&currency=ugx', 'amount', 'invalid_charge_amount_no_decimal_compatible'],
      ['amount=100000000&currency=usd', 'amount', 'amount_too_large'],
      ['amount=100&currency=iqd', 'currency', 'parameter_invalid'],
    ];
    for (const [body, param, code] of refusals) {
      const res = await create(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
    }
    expect(fake.ledger().paymentIntents).toEqual([]);
    for (const body of [
      'amount=1500&currency=kwd',
      'amount=10000&currency=isk',
      'amount=5000000&currency=huf',
      'amount=500&currency=jpy',
      'amount=99999999&currency=usd',
    ]) {
      expect((await create(body)).status).toBe(200);
    }
    expect(fake.ledger().paymentIntents).toHaveLength(5);
  });

  it('needs a return_url when redirects are allowed, and refuses to confirm twice', async () => {
    const body = 'amount=500&currency=usd&payment_method=pm_card_visa';
    const { body: pi } = await call<{ id: string }>('POST', '/v1/payment_intents', { body, key: 'r1' });
    expect((await confirm(pi.id, 'r1:c')).body.error.param).toBe('return_url');
    expect((await confirm(pi.id, 'r1:c2', 'return_url=https%3A%2F%2Fexample.com')).body.status).toBe('succeeded');
    const again = await confirm(pi.id, 'r1:c3', 'return_url=https%3A%2F%2Fexample.com');
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'payment_intent_unexpected_state', payment_intent: { id: pi.id } });
  });

  it('cancels a PaymentIntent that has not moved money, answers 404 for unknown ones', async () => {
    const { body: pi } = await create('tx-c');
    const canceled = await call<{ status: string }>('POST', `/v1/payment_intents/${pi.id}/cancel`, {
      body: '',
      key: 'c',
    });
    expect(canceled.body.status).toBe('canceled');
    expect((await confirm(pi.id, 'tx-c:confirm')).body.error.code).toBe('payment_intent_unexpected_state');
    const missing = await retrieve('pi_missing');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    expect((await call<ErrorBody>('GET', '/v1/charges')).status).toBe(400);
  });

  it('answers GET /v1/balance for health checks', async () => {
    const res = await call<{ object: string }>('GET', '/v1/balance');
    expect(res.body.object).toBe('balance');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(fake.ledger().requestsByEndpoint).toEqual({ balance: 1 });
  });
});
