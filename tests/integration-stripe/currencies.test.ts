// Money truth in Stripe mode, through the real callable: amounts reach Stripe in Stripe's minor units (its table,
// not ISO 4217's or Intl's), what Stripe would refuse is refused before anything is written or sent, and what
// Stripe refuses anyway is failed-precondition with its code, never "retry in 1 s".
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessPaymentResult } from '../../functions/src/api/index.js';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { adminDb } from '../integration/admin.js';
import { USERS, session, type Session, errorOf } from '../integration/client.js';
import { expectLedgersAgree } from './ledgerCheck.js';
import { apiRequests, intentsOf, warmWebhook, webhooksDelivered } from './stripeFake.js';

const txn = (tag: string) => `stc_${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const recordOf = async (id: string) =>
  (await adminDb().doc(`payments/${id}`).get()).data() as PaymentRecord | undefined;

describe("currencies by Stripe's rules, against the Stripe fake", () => {
  let user: Session, admin: Session;
  const pay = (transactionId: string, amount: number, currency: string, paymentMethodId = 'pm_card_visa') =>
    user.call<ProcessPaymentResult>('processPayment', {
      amount,
      currency,
      paymentMethod: 'credit_card',
      transactionId,
      paymentMethodId,
    });

  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin), warmWebhook()]);
    await admin.call('resetCircuitBreakers', {});
  });
  afterEach(async () => {
    await webhooksDelivered();
    await expectLedgersAgree();
  });
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  it.each([
    [50_000, 'HUF', 5_000_000],
    [100, 'ISK', 10_000],
    [500, 'JPY', 500],
    [1.5, 'KWD', 1_500],
  ])('%s %s is amount %s at Stripe and in the ledger, answered as sent', async (amount, currency, stripeAmount) => {
    const id = txn(currency.toLowerCase());
    const res = await pay(id, amount, currency);
    expect(res).toMatchObject({ status: 'succeeded', amount, currency });
    const [pi, ...others] = await intentsOf(id);
    expect(others).toEqual([]);
    expect(pi).toMatchObject({ status: 'succeeded', amount: stripeAmount, currency: currency.toLowerCase() });
    expect(await recordOf(id)).toMatchObject({ status: 'succeeded', amount: stripeAmount, currency });
  });

  it.each([
    [1.234, 'KWD', 'Stripe takes KWD amounts in steps of 0.010'],
    [1_000_000, 'USD', 'Stripe takes amounts of at most 8 digits'],
    [12.5, 'ISK', 'Stripe takes ISK in whole units only'],
    [1, 'IQD', 'IQD is not accepted (not supported by the payment provider)'],
  ])(
    '%s %s is invalid-argument naming the rule, with no Stripe request and no record',
    async (amount, currency, rule) => {
      const id = txn('refused');
      const before = await apiRequests();
      const err = await errorOf(pay(id, amount, currency));
      expect(err.code).toBe('invalid-argument');
      expect(err.message).toContain(rule);
      expect(await recordOf(id)).toBeUndefined();
      expect(await apiRequests()).toBe(before);
    },
  );

  it("Stripe's own refusal of the PaymentIntent is failed-precondition with its code, recorded failed", async () => {
    const id = txn('pm404');
    const err = await errorOf(pay(id, 5, 'USD', 'pm_does_not_exist'));
    expect(err.code).toBe('failed-precondition');
    expect(err.details).toMatchObject({
      code: 'PAYMENT_REJECTED',
      providerStatus: 400,
      providerCode: 'resource_missing',
    });
    expect(await recordOf(id)).toMatchObject({ status: 'failed', error: { code: 'HTTP_400' } });
    expect(await intentsOf(id)).toEqual([]);
  });
});
