import { describe, expect, it } from 'vitest';
import { REFUND_SEAL_MAX_LENGTH } from '../../api/index.js';
import { seal } from '../../access/sealedReads.js';
import { admit, type UserLimitState } from '../limits/userLimiter.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import { ask, LEASE, NOW, payment } from '../testing/refundKit.js';
import { claimRefundStep } from './refundRules.js';
import { openRefundSeal, REFUND_SEAL_PURPOSE, sealRefund } from './refundSeal.js';

const KEY = 'refund-seal-test-key';
const TIME = { seconds: 1_799_000_000, nanoseconds: 5_000 };
const LIMITS: UserLimitState = { tokens: 4.5, refilledAt: NOW - 1000, inFlight: {}, spent: { c1: NOW - 10 } };
const record = payment({ refundedAmount: 1000, pendingRefundAmount: 500, providerRef: 'pi_1' });
const copies = {
  payment: { record, updateTime: TIME },
  limits: { state: LIMITS, updateTime: { seconds: 1_799_000_001, nanoseconds: 0 } },
};

describe('refund seals', () => {
  it('open for the same admin and payment with the claim rule fields only and both update times', () => {
    const token = sealRefund(KEY, 'a1', 'tx-1', copies, NOW)!;
    expect(token.length).toBeLessThanOrEqual(REFUND_SEAL_MAX_LENGTH);
    expect(openRefundSeal(KEY, 'a1', 'tx-1', token, NOW + 1000)).toEqual({
      payment: {
        record: {
          status: 'succeeded',
          currency: 'USD',
          amount: 10_000,
          uid: 'u1',
          providerRef: 'pi_1',
          refundedAmount: 1000,
          pendingRefundAmount: 500,
        },
        updateTime: TIME,
      },
      limits: copies.limits,
    });
  });

  it('carry an absent limits document as absent (a create applies)', () => {
    const token = sealRefund(KEY, 'a1', 'tx-1', { ...copies, limits: { state: undefined, updateTime: null } }, NOW)!;
    expect(openRefundSeal(KEY, 'a1', 'tx-1', token, NOW)?.limits).toEqual({ state: undefined, updateTime: null });
  });

  it('do not open for another admin, another payment, another key, or once expired', () => {
    const token = sealRefund(KEY, 'a1', 'tx-1', copies, NOW)!;
    expect(openRefundSeal(KEY, 'a2', 'tx-1', token, NOW)).toBeNull();
    expect(openRefundSeal(KEY, 'a1', 'tx-2', token, NOW)).toBeNull();
    expect(openRefundSeal('other-key', 'a1', 'tx-1', token, NOW)).toBeNull();
    expect(openRefundSeal(KEY, 'a1', 'tx-1', token, NOW + 15 * 60_000)).toBeNull();
    expect(openRefundSeal(KEY, 'a1', 'tx-1', 'garbage', NOW)).toBeNull();
  });

  it('refuse well-sealed documents of the wrong paths or shape', () => {
    const sealed = (docs: Parameters<typeof seal>[3]) => seal(KEY, REFUND_SEAL_PURPOSE, 'a1', docs, NOW);
    const limitsDoc = { path: 'userLimits/a1', updateTime: null, data: null };
    const paymentDoc = { path: 'payments/tx-1', updateTime: TIME, data: copies.payment.record };
    expect(openRefundSeal(KEY, 'a1', 'tx-1', sealed([paymentDoc, limitsDoc]), NOW)).not.toBeNull();
    expect(openRefundSeal(KEY, 'a1', 'tx-1', sealed([limitsDoc, paymentDoc]), NOW)).toBeNull();
    expect(openRefundSeal(KEY, 'a1', 'tx-1', sealed([paymentDoc]), NOW)).toBeNull();
    const noTime = { ...paymentDoc, updateTime: null };
    expect(openRefundSeal(KEY, 'a1', 'tx-1', sealed([noTime, limitsDoc]), NOW)).toBeNull();
    const badAmount = { ...paymentDoc, data: { ...copies.payment.record, amount: '10000' } };
    expect(openRefundSeal(KEY, 'a1', 'tx-1', sealed([badAmount, limitsDoc]), NOW)).toBeNull();
    const badLimits = { path: 'userLimits/a1', updateTime: TIME, data: { tokens: 'x' } };
    expect(openRefundSeal(KEY, 'a1', 'tx-1', sealed([paymentDoc, badLimits]), NOW)).toBeNull();
  });

  it('are not handed out longer than refundPayment accepts', () => {
    const spent = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`claim-${i}-abcdefgh`, NOW + i]));
    const big = { ...copies, limits: { ...copies.limits, state: { ...LIMITS, spent } } };
    expect(sealRefund(KEY, 'a1', 'tx-1', big, NOW)).toBeNull();
  });

  it('hold every field the claim rule and the limiter read: the sealed copies decide as the full documents', () => {
    const opened = openRefundSeal(KEY, 'a1', 'tx-1', sealRefund(KEY, 'a1', 'tx-1', copies, NOW)!, NOW)!;
    const sealedRecord = opened.payment.record as PaymentRecord;
    for (const amount of [undefined, 10, 85, 85.01]) {
      const full = claimRefundStep(record, undefined, ask('r1', amount), 'c-1', NOW, LEASE);
      const fromSeal = claimRefundStep(sealedRecord, undefined, ask('r1', amount), 'c-1', NOW, LEASE);
      expect(fromSeal, `amount ${amount}`).toEqual(full);
    }
    const limits = { ratePerMin: 60, burst: 5, maxInFlight: 2 };
    expect(admit(opened.limits.state, limits, 'c-1', NOW, NOW)).toEqual(admit(LIMITS, limits, 'c-1', NOW, NOW));
  });
});
