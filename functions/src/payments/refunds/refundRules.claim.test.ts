import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../api/index.js';
import type { AppError } from '../../resilience/appError.js';
import { ask, LEASE, NOW, refundLedgers } from '../testing/refundKit.js';

/** The code a promise rejects with. */
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: AppError) => e.code,
  );

describe('claiming a refund (refundRules.claimRefundStep through MemoryRefundLedger)', () => {
  it('writes the refund ahead and counts it pending in the same step; the default is all that is left', async () => {
    const { refunds, totals } = refundLedgers();
    const c = await refunds.claimRefund(ask('r1', 25.5), LEASE);
    expect(c).toMatchObject({ kind: 'claimed', resolveFirst: false, fresh: true });
    expect(c.kind === 'claimed' && c.totals).toEqual({ refundedAmount: 0, pendingRefundAmount: 2550 });
    expect(await refunds.getRefund('tx-1', 'r1')).toMatchObject({
      amount: 2550,
      currency: 'USD',
      status: 'pending',
      source: 'callable',
      uid: 'u1',
      paymentRef: 'tx-1',
      requestedBy: 'a1',
      leaseUntil: NOW + LEASE,
      providerRefundId: null,
    });
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 2550 });
    const rest = await refunds.claimRefund(ask('r2'), LEASE);
    expect(rest.kind === 'claimed' && rest.refund.amount).toBe(7450);
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 10_000 });
  });

  it('refuses an amount above amount - refundedAmount - pendingRefundAmount, naming what is left, writing nothing', async () => {
    const { refunds, totals } = refundLedgers({ payment: { refundedAmount: 4000, pendingRefundAmount: 1000 } });
    const err = await refunds.claimRefund(ask('r1', 50.01), LEASE).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE', details: { refundable: 50, currency: 'USD' } });
    expect(await refunds.getRefund('tx-1', 'r1')).toBeNull();
    expect(totals()).toEqual({ refundedAmount: 4000, pendingRefundAmount: 1000 });
    expect((await refunds.claimRefund(ask('r1', 50), LEASE)).kind).toBe('claimed');
    expect(await codeOf(refunds.claimRefund(ask('r2'), LEASE))).toBe('REFUND_EXCEEDS_REFUNDABLE');
  });

  it('refuses a missing payment, one not succeeded (naming its status) and a bad amount', async () => {
    const { refunds, payments } = refundLedgers({ payment: { status: PaymentStatus.unknown } });
    expect(await codeOf(refunds.claimRefund({ ...ask('r1'), transactionId: 'nope' }, LEASE))).toBe('PAYMENT_NOT_FOUND');
    const err = await refunds.claimRefund(ask('r1'), LEASE).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'REFUND_PAYMENT_NOT_SUCCEEDED', details: { status: 'unknown' } });
    payments.put('tx-1', { ...payments.peek('tx-1')!, status: PaymentStatus.succeeded });
    for (const amount of [0, -1, 1.001, Number.NaN]) {
      expect(await codeOf(refunds.claimRefund(ask('r1', amount), LEASE)), String(amount)).toBe('INVALID_ARGUMENT');
    }
    expect(await refunds.getRefund('tx-1', 'r1')).toBeNull();
  });

  it('does not check the payment owner: admins refund any user’s payment', async () => {
    const { refunds } = refundLedgers({ payment: { uid: 'someone-else' } });
    expect((await refunds.claimRefund(ask('r1', 1), LEASE)).kind).toBe('claimed');
  });

  it('answers in progress while a call holds the refund, and conflict for other parameters', async () => {
    const { refunds, clock } = refundLedgers();
    await refunds.claimRefund(ask('r1', 10, 'duplicate'), LEASE);
    clock.t += 1000;
    const err = await refunds.claimRefund(ask('r1', 10, 'duplicate'), LEASE).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'REFUND_IN_PROGRESS', details: { retryAfterMs: LEASE - 1000 } });
    expect(await codeOf(refunds.claimRefund(ask('r1', 11, 'duplicate'), LEASE))).toBe('REFUND_CONFLICT');
    expect(await codeOf(refunds.claimRefund(ask('r1', 10), LEASE))).toBe('REFUND_CONFLICT');
    expect(await codeOf(refunds.claimRefund(ask('r1', undefined, 'duplicate'), LEASE))).toBe('REFUND_CONFLICT');
  });

  it('replays a succeeded refund and one waiting at the provider, writing nothing', async () => {
    const { refunds, totals } = refundLedgers();
    const c = await refunds.claimRefund(ask('r1', 10), LEASE);
    if (c.kind !== 'claimed') throw new Error('not claimed');
    await refunds.finalizeRefund('tx-1', 'r1', c.claimId, { status: 'succeeded', attempts: 1, openAttemptAt: null });
    const replay = await refunds.claimRefund(ask('r1', 10), LEASE);
    expect(replay).toMatchObject({ kind: 'replay', refund: { status: 'succeeded' }, totals: { refundedAmount: 1000 } });
    const w = await refunds.claimRefund(ask('r2', 5), LEASE);
    if (w.kind !== 'claimed') throw new Error('not claimed');
    await refunds.finalizeRefund('tx-1', 'r2', w.claimId, { status: 'pending', attempts: 1, openAttemptAt: null });
    expect(await refunds.claimRefund(ask('r2', 5), LEASE)).toMatchObject({
      kind: 'replay',
      refund: { status: 'pending' },
    });
    expect(totals()).toEqual({ refundedAmount: 1000, pendingRefundAmount: 500 });
  });

  it('claims an unknown refund and a dead call’s pending to be looked up first, totals unchanged', async () => {
    const { refunds, clock, totals } = refundLedgers();
    const c = await refunds.claimRefund(ask('r1', 10), LEASE);
    if (c.kind !== 'claimed') throw new Error('not claimed');
    await refunds.finalizeRefund('tx-1', 'r1', c.claimId, { status: 'unknown', attempts: 1, openAttemptAt: NOW + 5 });
    const again = await refunds.claimRefund(ask('r1', 10), LEASE);
    expect(again).toMatchObject({ kind: 'claimed', resolveFirst: true, settleFrom: NOW + 5, fresh: false });
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 1000 });
    clock.t += LEASE + 1; // that call died
    const third = await refunds.claimRefund(ask('r1', 10), LEASE);
    expect(third).toMatchObject({ kind: 'claimed', resolveFirst: true, settleFrom: NOW + LEASE });
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 1000 });
  });

  it('sends a failed refund the provider never made again (counted again), but not one the provider failed', async () => {
    const { refunds, totals } = refundLedgers();
    const c = await refunds.claimRefund(ask('r1'), LEASE);
    if (c.kind !== 'claimed') throw new Error('not claimed');
    await refunds.finalizeRefund('tx-1', 'r1', c.claimId, { status: 'failed', attempts: 0, openAttemptAt: null });
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    const again = await refunds.claimRefund(ask('r1'), LEASE);
    expect(again).toMatchObject({ kind: 'claimed', resolveFirst: false, fresh: true, refund: { amount: 10_000 } });
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 10_000 });
    if (again.kind !== 'claimed') throw new Error('not claimed');
    const outcome = { status: 'failed', attempts: 1, openAttemptAt: null, providerRefundId: 'rf_1' } as const;
    await refunds.finalizeRefund('tx-1', 'r1', again.claimId, { ...outcome, failureReason: 'expired_card' });
    const err = await refunds.claimRefund(ask('r1'), LEASE).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'REFUND_FAILED', details: { failureReason: 'expired_card' } });
  });

  it('spends from the asking admin’s per-user limits with every claim, a refusal included', async () => {
    const limits = { ratePerMin: 1, burst: 2, maxInFlight: 1 };
    const { refunds, payments } = refundLedgers({ limits });
    expect((await refunds.claimRefund(ask('r1', 1), LEASE)).kind).toBe('claimed');
    expect(await codeOf(refunds.claimRefund(ask('r1', 2), LEASE))).toBe('REFUND_CONFLICT');
    const limited = await refunds.claimRefund(ask('r2', 1), LEASE).catch((e: AppError) => e);
    expect(limited).toMatchObject({ code: 'PAYMENT_USER_LIMITED', details: { reason: 'user-rate' } });
    expect(await refunds.getRefund('tx-1', 'r2')).toBeNull();
    // No slot outlives its step: a refund call does not hold one of the admin's in-flight payments.
    expect(Object.values(payments.userLimits('a1')?.inFlight ?? {}).filter((until) => until > NOW)).toEqual([]);
  });
});
