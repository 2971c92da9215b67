/**
 * StripeProvider against the Stripe fake (devtools/stripe-fake) over real
 * HTTP through the real stripe SDK: what each PaymentIntent state and each
 * answer reads as in the port's terms.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { stripeRequest, useStripeFake, useStripeProvider } from '../../webhooks/testing/stripeFake.js';
import { PAYMENT_SERVICE, PrepareRefusedError } from './paymentProvider.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { StripePrepareError, StripeProvider } from './stripeProvider.js';

const KEY = 'sk_test_provider_secret';
const fake = useStripeFake(KEY);
const world = useStripeProvider(fake, KEY);
let http: HttpPoolManager;
let provider: StripeProvider;
beforeEach(() => ({ http, provider } = world()));

const request = stripeRequest;

/** Prepares and confirms once; the PaymentIntent id and the answer. */
async function prepareAndCharge(req: PaymentRequest) {
  const ref = await provider.prepare(req, 2000);
  return { ref, answer: await provider.charge(ref, req, 2000) };
}

describe('prepare', () => {
  it('creates the PaymentIntent unconfirmed, keyed by the transactionId, and returns its id', async () => {
    const req = request('tx-prep');
    const ref = await provider.prepare(req, 2000);
    expect(ref).toMatch(/^pi_/);
    expect(await provider.prepare(req, 2000)).toBe(ref);
    const { paymentIntents, requestsByKey, charges } = fake().ledger();
    expect(paymentIntents).toEqual([
      expect.objectContaining({
        id: ref,
        status: 'requires_confirmation',
        amount: 1999,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        metadata: { transactionId: 'tx-prep', uid: 'u1' },
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      }),
    ]);
    expect(requestsByKey).toEqual({ 'tx-prep:create': 2 });
    expect(charges).toEqual([]);
  });

  it('refuses a request without a PaymentMethod before sending anything', async () => {
    const req = { ...request('tx-nopm'), paymentMethodId: undefined };
    await expect(provider.prepare(req, 2000)).rejects.toThrow(StripePrepareError);
    expect(fake().ledger().requestsByEndpoint).toEqual({});
  });

  it('uses the test PaymentMethod when configured, never with a live key', async () => {
    const dev = new StripeProvider(http, {
      baseUrl: fake().url,
      apiKey: KEY,
      maxSockets: 2,
      testPaymentMethodId: 'pm_card_chargeDeclined',
    });
    const req = { ...request('tx-dev'), paymentMethodId: undefined };
    const ref = await dev.prepare(req, 2000);
    expect(await dev.charge(ref, req, 2000)).toMatchObject({ kind: 'declined', declineCode: 'generic_decline' });
    const live = { baseUrl: fake().url, apiKey: 'sk_live_x', maxSockets: 1, testPaymentMethodId: 'pm_card_visa' };
    expect(() => new StripeProvider(new HttpPoolManager(), live)).toThrow(/live key/);
  });

  it("fails with a safe error naming Stripe's code when Stripe refuses the PaymentIntent", async () => {
    const err = await provider.prepare(request('tx-badpm', 'pm_unknown'), 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrepareRefusedError);
    expect((err as PrepareRefusedError).answer).toEqual({
      kind: 'rejected',
      httpStatus: 400,
      providerCode: 'resource_missing',
    });
    expect((err as Error).message).toContain('HTTP 400');
    expect((err as Error).message).toContain('resource_missing');
  });
});

describe('charge', () => {
  it('succeeded: the latest charge, the amount and the currency in upper case', async () => {
    const { ref, answer } = await prepareAndCharge(request('tx-ok'));
    const pi = fake()
      .ledger()
      .paymentIntents.find((p) => p.id === ref)!;
    expect(answer).toEqual({ kind: 'succeeded', chargeId: pi.latest_charge, amount: 1999, currency: 'USD' });
    expect(pi.latest_charge).toMatch(/^ch_/);
    expect(fake().ledger().requestsByKey['tx-ok:confirm']).toBe(1);
  });

  it('a repeat attempt replays the saved answer: one charge', async () => {
    const req = request('tx-rep');
    const { ref, answer } = await prepareAndCharge(req);
    expect(await provider.charge(ref, req, 2000)).toEqual(answer);
    expect(fake().ledger().charges).toHaveLength(1);
  });

  it('declined (402 card_error): the decline code and the failed charge', async () => {
    const { answer } = await prepareAndCharge(request('tx-dec', 'pm_card_chargeDeclinedInsufficientFunds'));
    expect(answer).toMatchObject({
      kind: 'declined',
      declineCode: 'insufficient_funds',
      amount: 1999,
      currency: 'USD',
    });
    expect((answer as { chargeId: string }).chargeId).toBe(fake().ledger().charges[0]!.id);
  });

  it('requires_action: pending with the client secret', async () => {
    const { ref, answer } = await prepareAndCharge(request('tx-3ds', 'pm_card_authenticationRequired'));
    const secret = fake()
      .ledger()
      .paymentIntents.find((p) => p.id === ref)!.client_secret;
    expect(answer).toEqual({ kind: 'pending', state: 'requires_action', clientSecret: secret });
  });

  it('processing: pending', async () => {
    const { answer } = await prepareAndCharge(request('tx-proc', 'pm_fake_processing'));
    expect(answer).toEqual({ kind: 'pending', state: 'processing' });
  });

  it('the confirm key used for another PaymentIntent: rejected 400 idempotency_error', async () => {
    const req = request('tx-idem');
    await prepareAndCharge(req);
    const other = await provider.prepare(request('tx-idem-2'), 2000);
    expect(await provider.charge(other, req, 2000)).toEqual({
      kind: 'rejected',
      httpStatus: 400,
      providerCode: 'idempotency_error',
    });
  });

  it('a confirmation refused for its state reads the PaymentIntent in the error when it moved on', async () => {
    const { ref } = await prepareAndCharge(request('tx-moved'));
    // Another key (as a client-side confirmation would use): Stripe refuses, its error carries the PaymentIntent.
    const again = { ...request('tx-moved'), transactionId: 'tx-moved-elsewhere' };
    expect(await provider.charge(ref, again, 2000)).toMatchObject({ kind: 'succeeded', amount: 1999 });
  });

  it('a reference that is no PaymentIntent: rejected without a request', async () => {
    expect(await provider.charge('tx-raw', request('tx-raw'), 2000)).toMatchObject({ kind: 'rejected' });
    expect(fake().ledger().requestsByEndpoint).toEqual({});
  });
});

describe('lookup', () => {
  it('reads each state: found, pending, a failed attempt waiting, canceled, and "not charged" before any confirmation', async () => {
    const prepared = request('tx-l0');
    const unconfirmed = await provider.prepare(prepared, 2000);
    expect(await provider.lookup(unconfirmed, prepared, 2000)).toEqual({ kind: 'not-found' });

    const ok = await prepareAndCharge(request('tx-l1'));
    expect(await provider.lookup(ok.ref, request('tx-l1'), 2000)).toEqual({ kind: 'found', charge: ok.answer });

    // A declined confirmation leaves the PaymentIntent confirmable with another card until it is canceled.
    const dec = await prepareAndCharge(request('tx-l2', 'pm_card_chargeDeclined'));
    expect(await provider.lookup(dec.ref, request('tx-l2'), 2000)).toEqual({
      kind: 'pending',
      state: 'requires_payment_method',
      clientSecret: expect.stringMatching(/^pi_\w+_secret_\w+$/) as string,
    });
    expect(await provider.cancel(dec.ref, request('tx-l2'), 2000)).toEqual({ kind: 'canceled' });
    expect(await provider.lookup(dec.ref, request('tx-l2'), 2000)).toEqual({ kind: 'canceled' });

    const auth = await prepareAndCharge(request('tx-l3', 'pm_card_authenticationRequired'));
    expect(await provider.lookup(auth.ref, request('tx-l3'), 2000)).toEqual(auth.answer);
    fake().completeAuthentication(auth.ref, true);
    expect(await provider.lookup(auth.ref, request('tx-l3'), 2000)).toMatchObject({ charge: { kind: 'succeeded' } });

    const proc = await prepareAndCharge(request('tx-l4', 'pm_fake_processing'));
    expect(await provider.lookup(proc.ref, request('tx-l4'), 2000)).toEqual({ kind: 'pending', state: 'processing' });
    fake().settle(proc.ref, false);
    expect(await provider.lookup(proc.ref, request('tx-l4'), 2000)).toMatchObject({ state: 'requires_payment_method' });
  });

  it('a failed 3-D Secure waits for another payment method; a PaymentIntent Stripe does not know proves nothing', async () => {
    const auth = await prepareAndCharge(request('tx-l5', 'pm_card_authenticationRequired'));
    fake().completeAuthentication(auth.ref, false);
    expect(await provider.lookup(auth.ref, request('tx-l5'), 2000)).toMatchObject({
      kind: 'pending',
      state: 'requires_payment_method',
    });
    // Only another account's key makes Stripe miss a PaymentIntent our create returned: "not found" would settle it failed.
    expect(await provider.lookup('pi_unknown', request('tx-l6'), 2000)).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringContaining('PAYMENT_API_KEY') as unknown,
    });
    expect(await provider.lookup('tx-l6', request('tx-l6'), 2000)).toEqual({ kind: 'not-found' });
  });

  it("never reads another transaction's PaymentIntent as this one's", async () => {
    const { ref } = await prepareAndCharge(request('tx-mine'));
    expect(await provider.lookup(ref, request('tx-theirs'), 2000)).toMatchObject({ kind: 'unavailable' });
  });
});

describe('health', () => {
  it('GET /v1/balance through the pool, recorded as its health and not counted as traffic', async () => {
    expect(await provider.checkHealth()).toMatchObject({ ok: true });
    expect(http.health(PAYMENT_SERVICE)).toMatchObject({ ok: true });
    expect(fake().ledger().requestsByEndpoint).toEqual({ balance: 1 });
    expect(http.stats(PAYMENT_SERVICE).requests).toBe(0);
  });
});
