import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../resilience/breaker/circuitBreaker.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { PaymentHandler } from './paymentHandler.js';
import type { PaymentSettings } from './settingsFromConfig.js';
import { PrepareRefusedError, type ChargeAnswer } from './provider/paymentProvider.js';
import { STRIPE_MONEY } from './provider/stripeCurrencies.js';
import { SETTINGS } from './testing/handlerKit.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';

let ledger: MemoryLedger;
beforeEach(() => {
  ledger = new MemoryLedger();
});

/** A handler over a scripted provider with `money`'s rules (generic by default). */
function world(charges: ChargeAnswer[] = [], over: Partial<PaymentSettings> = {}, stripe = false) {
  const provider = new ScriptedProvider(charges, [], (req) => (stripe ? `pi_${req.transactionId}` : req.transactionId));
  if (stripe) provider.money = STRIPE_MONEY;
  const breaker = new FleetCircuitBreaker('payment-service', new MemoryBreakerStore(), { minCalls: 5 });
  const handler = new PaymentHandler({ ledger, provider, breaker, settings: { ...SETTINGS, ...over } });
  return { handler, provider };
}

const pay = (amount: number, currency: string, transactionId = 'txn_m') => ({
  amount,
  currency,
  paymentMethod: 'credit_card' as const,
  transactionId,
});
const charged = (amount: number, currency: string): ChargeAnswer => ({
  kind: 'succeeded',
  chargeId: 'ch_1',
  amount,
  currency,
});

describe('money by the provider: its minor units, currencies and amount rules', () => {
  it('generic: HUF in ISO 4217 minor units (two), answered back in major units', async () => {
    const { handler, provider } = world([charged(1234, 'HUF')]);
    expect(await handler.processPayment(pay(12.34, 'huf'), 'u1')).toMatchObject({ amount: 12.34, currency: 'HUF' });
    expect(provider.calls[0]?.req).toMatchObject({ amount: 1234, currency: 'HUF' });
    expect(await ledger.get('txn_m')).toMatchObject({ status: 'succeeded', amount: 1234 });
  });

  it.each([
    [false, 12.3, 'ISK', /ISK allows at most 0 decimal places/],
    [true, 12.3, 'ISK', /Stripe takes ISK in whole units only/],
    [true, 1.234, 'KWD', /third decimal must be 0/],
    [true, 1_000_000, 'USD', /at most 8 digits/],
    [true, 1, 'IQD', /IQD is not accepted \(not supported by the payment provider\)/],
  ])('stripe=%s: %s %s is invalid-argument, nothing written or sent', async (stripe, amount, currency, message) => {
    const { handler, provider } = world([], {}, stripe);
    await expect(handler.processPayment(pay(amount, currency), 'u1')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(message) as unknown,
    });
    expect(provider.calls).toEqual([]);
    expect(await ledger.get('txn_m')).toBeNull();
  });

  it.each([
    [50_000, 'HUF', 5_000_000, 50_000],
    [100, 'ISK', 10_000, 100],
    [500, 'JPY', 500, 500],
    [1.5, 'KWD', 1_500, 1.5],
  ])('stripe: %s %s is amount %s in Stripe minor units, answered as %s', async (major, currency, minor, answered) => {
    const { handler, provider } = world([charged(minor, currency)], {}, true);
    expect(await handler.processPayment(pay(major, currency), 'u1')).toMatchObject({ amount: answered, currency });
    expect(provider.calls.find((c) => c.op === 'charge')?.req).toMatchObject({ amount: minor, currency });
    expect(await ledger.get('txn_m')).toMatchObject({ status: 'succeeded', amount: minor });
  });

  it('PAYMENT_CURRENCIES limits what is accepted, before anything is written', async () => {
    const { handler, provider } = world([charged(2599, 'EUR')], { currencies: ['EUR', 'JPY'] });
    await expect(handler.processPayment(pay(25.99, 'USD'), 'u1')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('USD is not accepted (not in PAYMENT_CURRENCIES)') as unknown,
    });
    expect(await ledger.get('txn_m')).toBeNull();
    expect(await handler.processPayment(pay(25.99, 'EUR', 'txn_eur'), 'u1')).toMatchObject({ status: 'succeeded' });
    expect(provider.count('charge')).toBe(1);
  });

  it('PAYMENT_CURRENCIES naming a currency the provider does not support is a configuration error', () => {
    expect(() => world([], { currencies: ['USD', 'IQD'] }, true)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('IQD') as unknown }),
    );
  });

  it('PAYMENT_MAX_AMOUNT applies in major units before the provider rules', async () => {
    const { handler } = world([], { maxAmount: 1000 }, true);
    await expect(handler.processPayment(pay(1001, 'USD'), 'u1')).rejects.toThrow(/at most 1000 USD/);
  });
});

describe('every charge answer is checked against the payment', () => {
  it.each<[string, ChargeAnswer]>([
    ['another amount', charged(2598, 'USD')],
    ['another currency', charged(2599, 'EUR')],
    ['no amount', { kind: 'succeeded', chargeId: 'ch_1', currency: 'USD' }],
    ['no currency', { kind: 'declined', chargeId: 'ch_1', declineCode: 'x', amount: 2599 }],
  ])('%s: unknown (deadline-exceeded), recorded CHARGE_MISMATCH, never succeeded', async (_, answer) => {
    const { handler } = world([answer]);
    await expect(handler.processPayment(pay(25.99, 'USD'), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    expect(await ledger.get('txn_m')).toMatchObject({ status: 'unknown', error: { code: 'CHARGE_MISMATCH' } });
  });
});

describe("the provider's refusal of the payment's creation", () => {
  it('is failed-precondition with its code, recorded failed, never charged', async () => {
    const { handler, provider } = world([], {}, true);
    provider.prepareError = new PrepareRefusedError({
      kind: 'rejected',
      httpStatus: 400,
      providerCode: 'amount_too_large',
    });
    await expect(handler.processPayment(pay(10, 'USD'), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_REJECTED',
      details: { status: 'failed', providerStatus: 400, providerCode: 'amount_too_large' },
    });
    expect(provider.count('charge')).toBe(0);
    expect(await ledger.get('txn_m')).toMatchObject({ status: 'failed', error: { code: 'HTTP_400' } });
  });

  it('any other failure to prepare stays unavailable (nothing was charged, a retry may pass)', async () => {
    const { handler, provider } = world([], {}, true);
    provider.prepareError = new Error('HTTP 500');
    await expect(handler.processPayment(pay(10, 'USD'), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect(await ledger.get('txn_m')).toMatchObject({ status: 'failed', error: { code: 'PREPARE_FAILED' } });
  });
});
