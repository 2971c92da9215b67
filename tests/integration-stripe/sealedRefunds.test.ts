// The refund seal in Stripe mode: getPayment's refundSeal passed to refundPayment
// refunds through the Stripe fake exactly as without it; a stale or another
// admin's seal changes no decision. After every test the fake's refunds and the
// ledger agree.
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminPaymentDetail, ProcessPaymentResult, RefundPaymentResult } from '../../functions/src/api/index.js';
import { errorOf } from '../integration/client.js';
import { expectRefundsAgree } from './ledgerCheck.js';
import { txnIds } from './records.js';
import { fakeLedger, intentsOf } from './stripeFake.js';
import { useStripeSuite } from './suite.js';

const txn = txnIds('ss');

describe('refund seals with the Stripe provider', () => {
  const suite = useStripeSuite({ resetBreakersAfterEach: true });
  afterEach(async () => {
    await expectRefundsAgree();
  });
  const pay = async (transactionId: string, amount: number) =>
    expect(
      await suite.user.call<ProcessPaymentResult>('processPayment', {
        amount,
        paymentMethod: 'credit_card',
        transactionId,
        paymentMethodId: 'pm_card_visa',
      }),
    ).toMatchObject({ status: 'succeeded' });
  const refund = (transactionId: string, refundId: string, amount: number, seal?: string) =>
    suite.admin.call<RefundPaymentResult>('refundPayment', { transactionId, refundId, amount, seal });
  const stripeRefundsOf = async (transactionId: string) => {
    const [pi] = await intentsOf(transactionId);
    return (await fakeLedger()).refunds.filter((r) => r.payment_intent === pi!.id).map((r) => r.amount);
  };

  it('refunds with the seal of getPayment, then with it stale, as without one', async () => {
    const id = txn('seal');
    await pay(id, 30);
    const { refundSeal } = await suite.admin.call<AdminPaymentDetail>('getPayment', { transactionId: id });
    expect(typeof refundSeal).toBe('string');
    expect(await refund(id, 'ss-1', 10, refundSeal)).toMatchObject({ status: 'succeeded', refundedAmount: 10 });
    // Stale now: the first refund moved the payment. The refund reads and is right.
    expect(await refund(id, 'ss-2', 20, refundSeal)).toMatchObject({ status: 'succeeded', refundedAmount: 30 });
    expect(await errorOf(refund(id, 'ss-3', 1, refundSeal))).toMatchObject({ code: 'failed-precondition' });
    expect(await refund(id, 'ss-1', 10, refundSeal)).toMatchObject({ replayed: true });
    expect(await stripeRefundsOf(id)).toEqual([1000, 2000]);
  });

  it('ignores the seal of another payment: the refund is right, the other payment untouched', async () => {
    const [id, other] = [txn('mine'), txn('other')];
    await pay(id, 8);
    await pay(other, 8);
    const { refundSeal } = await suite.admin.call<AdminPaymentDetail>('getPayment', { transactionId: other });
    expect(await refund(id, 'so-1', 8, refundSeal)).toMatchObject({ status: 'succeeded', refundedAmount: 8 });
    expect(await stripeRefundsOf(id)).toEqual([800]);
    expect(await stripeRefundsOf(other)).toEqual([]);
  });
});
