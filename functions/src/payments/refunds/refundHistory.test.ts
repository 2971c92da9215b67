/**
 * A refund's history through MemoryRefundLedger: every refund write appends
 * its event to the payment's history in the same step, with the refund's
 * statuses before and after; a step that writes no refund appends nothing.
 */
import { describe, expect, it } from 'vitest';
import type { PaymentHistoryEvent } from '../../api/index.js';
import { ask, LEASE, refundLedgers } from '../testing/refundKit.js';

/** The events as `type refundStatusBefore->refundStatus [reason]`. */
const brief = (events: PaymentHistoryEvent[]) =>
  events.map(
    (e) => `${e.type} ${e.details.refundStatusBefore}->${e.details.refundStatus}${e.reason ? ` ${e.reason}` : ''}`,
  );

describe('refund history (MemoryRefundLedger)', () => {
  it('a refund asked for then settled: requested by the admin, settled, the payment still succeeded', async () => {
    const { payments, refunds } = refundLedgers();
    const c = await refunds.claimRefund(ask('r1', 25), LEASE);
    if (c.kind !== 'claimed') throw new Error('not claimed');
    expect(brief(await payments.listEvents('tx-1'))).toEqual(['refund.requested null->pending']);
    await refunds.finalizeRefund('tx-1', 'r1', c.claimId, {
      status: 'succeeded',
      attempts: 1,
      openAttemptAt: null,
      providerRefundId: 're_1',
    });
    const events = await payments.listEvents('tx-1');
    expect(brief(events)).toEqual(['refund.requested null->pending', 'refund.settled pending->succeeded']);
    expect(events[0]!.actor).toEqual({ kind: 'user', uid: 'a1' });
    expect(events[1]!.actor).toMatchObject({ kind: 'function' });
    expect(events.map((e) => [e.statusBefore, e.statusAfter])).toEqual([
      ['succeeded', 'succeeded'],
      ['succeeded', 'succeeded'],
    ]);
    expect(events[1]!.details).toEqual({
      refundId: 'r1',
      amount: 2500,
      currency: 'USD',
      refundStatusBefore: 'pending',
      refundStatus: 'succeeded',
      source: 'callable',
      providerRefundId: 're_1',
    });
  });

  it('an unknown outcome, reconciliation claiming it, then its decision: each in order, with the error code', async () => {
    const { clock, payments, refunds } = refundLedgers();
    const c = await refunds.claimRefund(ask('r1', 25), LEASE);
    if (c.kind !== 'claimed') throw new Error('not claimed');
    const error = { code: 'PROVIDER_TIMEOUT', message: 'no answer' };
    await refunds.finalizeRefund('tx-1', 'r1', c.claimId, { status: 'unknown', attempts: 1, openAttemptAt: 1, error });
    clock.t += 60_000;
    const taken = await refunds.claimRefundForResolution('tx-1', 'r1', LEASE);
    if (!taken) throw new Error('not taken');
    clock.t += 1_000;
    await refunds.finalizeRefund('tx-1', 'r1', taken.claimId, {
      status: 'failed',
      attempts: 1,
      openAttemptAt: null,
      failureReason: 'expired_or_canceled_card',
    });
    expect(brief(await payments.listEvents('tx-1'))).toEqual([
      'refund.requested null->pending',
      'refund.settled pending->unknown PROVIDER_TIMEOUT',
      'refund.reconcile_claimed unknown->pending',
      'refund.settled pending->failed expired_or_canceled_card',
    ]);
  });

  it("the provider's word: a Dashboard refund created, later failed, a replayed delivery adding nothing", async () => {
    const { clock, payments, refunds } = refundLedgers();
    const dashboard = { providerRefundId: 're_d', refundId: 'stripe-re_d', amount: 1000, currency: 'usd' };
    await refunds.recordProviderRefund('tx-1', { ...dashboard, status: 'succeeded' }, 'provider');
    await refunds.recordProviderRefund('tx-1', { ...dashboard, status: 'succeeded' }, 'provider');
    clock.t += 1_000;
    const failed = { ...dashboard, status: 'failed' as const, failureReason: 'lost_or_stolen_card' };
    await refunds.recordProviderRefund('tx-1', failed, 'provider');
    const events = await payments.listEvents('tx-1');
    expect(brief(events)).toEqual([
      'refund.recorded null->succeeded',
      'refund.recorded succeeded->failed lost_or_stolen_card',
    ]);
    expect(events.map((e) => [e.details.source, e.details.providerRefundId])).toEqual([
      ['provider', 're_d'],
      ['provider', 're_d'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('refusals, replays and a lost claim append nothing, and an event holds no person or secret', async () => {
    const { payments, refunds } = refundLedgers();
    const c = await refunds.claimRefund(ask('r1', 25, 'requested_by_customer'), LEASE);
    if (c.kind !== 'claimed') throw new Error('not claimed');
    const before = await payments.listEvents('tx-1');
    await expect(refunds.claimRefund(ask('r1', 30), LEASE)).rejects.toMatchObject({ code: 'REFUND_CONFLICT' });
    await expect(refunds.claimRefund(ask('r2', 1000), LEASE)).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_REFUNDABLE',
    });
    const lost = await refunds.finalizeRefund('tx-1', 'r1', 'not-the-claim', {
      status: 'succeeded',
      attempts: 1,
      openAttemptAt: null,
    });
    expect(lost.written).toBe(false);
    expect(await payments.listEvents('tx-1')).toEqual(before);
    await refunds.finalizeRefund('tx-1', 'r1', c.claimId, { status: 'succeeded', attempts: 1, openAttemptAt: null });
    const settled = await payments.listEvents('tx-1');
    await expect(refunds.claimRefund(ask('r1', 25, 'requested_by_customer'), LEASE)).resolves.toMatchObject({
      kind: 'replay',
    });
    expect(await payments.listEvents('tx-1')).toEqual(settled);
    expect(JSON.stringify(settled)).not.toMatch(/u1|requested_by_customer|secret/);
    expect(await payments.listEvents('nope')).toEqual([]);
  });
});
