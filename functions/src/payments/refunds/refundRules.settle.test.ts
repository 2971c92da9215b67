import { describe, expect, it } from 'vitest';
import type { RefundStatus } from '../../api/index.js';
import type { MemoryRefundLedger } from './memoryRefundLedger.js';
import { ask, LEASE, NOW, refundLedgers } from '../testing/refundKit.js';

/** Claims refund `id` of `major` units and answers its claimId. */
async function claimed(refunds: MemoryRefundLedger, id: string, major?: number): Promise<string> {
  const c = await refunds.claimRefund(ask(id, major), LEASE);
  if (c.kind !== 'claimed') throw new Error(`${id} not claimed`);
  return c.claimId;
}

const provider = (
  refundId: string,
  status: 'succeeded' | 'pending' | 'failed',
  amount: number,
  id = `re_${refundId}`,
) => ({
  providerRefundId: id,
  refundId,
  status,
  amount,
  currency: 'USD',
});

describe('finalizing a refund (refundRules.finalizeRefundStep)', () => {
  const cases: [Exclude<RefundStatus, 'pending'> | 'pending', number, number][] = [
    ['succeeded', 2500, 0],
    ['failed', 0, 0],
    ['unknown', 0, 2500],
    ['pending', 0, 2500],
  ];
  for (const [status, refunded, pending] of cases) {
    it(`${status}: moves the payment's totals in the same step and ends the claim`, async () => {
      const { refunds, totals } = refundLedgers();
      const claimId = await claimed(refunds, 'r1', 25);
      const r = await refunds.finalizeRefund('tx-1', 'r1', claimId, {
        status,
        attempts: 1,
        openAttemptAt: null,
        providerRefundId: status === 'unknown' ? null : 're_1',
        nextCheckAt: NOW + 60_000,
      });
      expect(r).toMatchObject({ written: true, claimLost: false, previous: 'pending' });
      expect(r.totals).toEqual({ refundedAmount: refunded, pendingRefundAmount: pending });
      expect(totals()).toEqual(r.totals);
      const stored = await refunds.getRefund('tx-1', 'r1');
      expect(stored).toMatchObject({ status, claimId: null, attempts: 1 });
      expect(stored?.leaseUntil).toBe(status === 'pending' ? NOW + 60_000 : null);
    });
  }

  it('writes nothing for a call that lost its claim', async () => {
    const { refunds, clock, totals } = refundLedgers();
    const first = await claimed(refunds, 'r1', 25);
    clock.t += LEASE + 1;
    const taken = await refunds.claimRefundForResolution('tx-1', 'r1', LEASE);
    expect(taken).not.toBeNull();
    const r = await refunds.finalizeRefund('tx-1', 'r1', first, {
      status: 'succeeded',
      attempts: 1,
      openAttemptAt: null,
    });
    expect(r).toMatchObject({
      written: false,
      claimLost: true,
      refund: { status: 'pending', claimId: taken?.claimId },
    });
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 2500 });
  });
});

describe('the provider’s word (refundRules.providerRefundStep)', () => {
  it('settles a claimed refund and ends the claim; the call then finds its claim lost', async () => {
    const { refunds, totals } = refundLedgers();
    const claimId = await claimed(refunds, 'r1', 25);
    const r = await refunds.recordProviderRefund('tx-1', provider('r1', 'succeeded', 2500), 'callable');
    expect(r).toMatchObject({ written: true, previous: 'pending', refundedAmount: 2500, pendingRefundAmount: 0 });
    const late = await refunds.finalizeRefund('tx-1', 'r1', claimId, {
      status: 'unknown',
      attempts: 1,
      openAttemptAt: 1,
    });
    expect(late).toMatchObject({ written: false, claimLost: true, refund: { status: 'succeeded' } });
    expect(totals()).toEqual({ refundedAmount: 2500, pendingRefundAmount: 0 });
  });

  it('records a refund made outside the product, and a succeeded refund that fails later takes refundedAmount back', async () => {
    const { refunds, totals } = refundLedgers();
    const made = await refunds.recordProviderRefund(
      'tx-1',
      provider('stripe-re_9', 'succeeded', 3000, 're_9'),
      'provider',
    );
    expect(made).toMatchObject({ written: true, previous: null, refund: { source: 'provider', requestedBy: null } });
    expect(totals()).toEqual({ refundedAmount: 3000, pendingRefundAmount: 0 });
    const failed = await refunds.recordProviderRefund(
      'tx-1',
      provider('stripe-re_9', 'failed', 3000, 're_9'),
      'provider',
    );
    expect(failed).toMatchObject({ written: true, previous: 'succeeded', refundedAmount: 0 });
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
  });

  it('changes nothing for a replayed or out-of-order delivery, a final refund, or another amount', async () => {
    const { refunds, totals } = refundLedgers();
    await refunds.recordProviderRefund('tx-1', provider('x', 'pending', 1000), 'provider');
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 1000 });
    expect((await refunds.recordProviderRefund('tx-1', provider('x', 'pending', 1000), 'provider')).written).toBe(
      false,
    );
    expect((await refunds.recordProviderRefund('tx-1', provider('x', 'succeeded', 1000), 'provider')).written).toBe(
      true,
    );
    // refund.created (pending) arriving after refund.updated (succeeded): never back to pending.
    expect((await refunds.recordProviderRefund('tx-1', provider('x', 'pending', 1000), 'provider')).written).toBe(
      false,
    );
    expect((await refunds.recordProviderRefund('tx-1', provider('x', 'succeeded', 1000), 'provider')).written).toBe(
      false,
    );
    expect((await refunds.recordProviderRefund('tx-1', provider('x', 'failed', 999), 'provider')).written).toBe(false);
    expect(
      (await refunds.recordProviderRefund('tx-1', provider('x', 'failed', 1000, 're_y'), 'provider')).written,
    ).toBe(false);
    expect(totals()).toEqual({ refundedAmount: 1000, pendingRefundAmount: 0 });
    await refunds.recordProviderRefund('tx-1', provider('x', 'failed', 1000), 'provider');
    expect((await refunds.recordProviderRefund('tx-1', provider('x', 'succeeded', 1000), 'provider')).written).toBe(
      false,
    );
    expect(totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
  });

  it('writes nothing for a payment the ledger does not have', async () => {
    const { refunds } = refundLedgers();
    const r = await refunds.recordProviderRefund('nope', provider('x', 'succeeded', 1), 'provider');
    expect(r).toEqual({ written: false, refund: null, previous: null, refundedAmount: 0, pendingRefundAmount: 0 });
    expect(await refunds.listRefunds('nope')).toEqual([]);
  });
});

describe('reconciliation’s claims, scans and counts', () => {
  it('claims unknown refunds and pending ones whose lease ended, unchanged since the scan', async () => {
    const { refunds, clock } = refundLedgers();
    const c1 = await claimed(refunds, 'r1', 10);
    await refunds.finalizeRefund('tx-1', 'r1', c1, { status: 'unknown', attempts: 1, openAttemptAt: NOW });
    const c2 = await claimed(refunds, 'r2', 10);
    await claimed(refunds, 'r3', 10); // in flight
    await refunds.finalizeRefund('tx-1', 'r2', c2, {
      status: 'pending',
      attempts: 1,
      openAttemptAt: null,
      nextCheckAt: NOW + 5000,
    });
    clock.t += 1000;
    const unknown = await refunds.scanRefunds({ status: 'unknown', before: clock.t, limit: 10 });
    expect(unknown.map((u) => u.refundId)).toEqual(['r1']);
    expect(await refunds.scanRefunds({ status: 'pending', before: clock.t, limit: 10 })).toEqual([]);
    expect(await refunds.claimRefundForResolution('tx-1', 'r2', LEASE)).toBeNull(); // not due yet
    expect(await refunds.claimRefundForResolution('tx-1', 'r3', LEASE)).toBeNull(); // a live call holds it
    expect(await refunds.claimRefundForResolution('tx-1', 'r1', LEASE, unknown[0]!.refund.updatedAt - 1)).toBeNull();
    const r1 = await refunds.claimRefundForResolution('tx-1', 'r1', LEASE, unknown[0]!.refund.updatedAt);
    expect(r1?.refund.status).toBe('unknown');
    clock.t += LEASE + 1;
    const due = await refunds.scanRefunds({ status: 'pending', before: clock.t, limit: 10 });
    expect(due.map((u) => u.refundId)).toEqual(['r2', 'r3', 'r1']);
    expect(
      await refunds.scanRefunds({
        status: 'pending',
        before: clock.t,
        limit: 1,
        after: { orderValue: due[0]!.refund.leaseUntil!, transactionId: 'tx-1', refundId: 'r2' },
      }),
    ).toHaveLength(1);
    expect(await refunds.refundHealth(clock.t)).toEqual({ pendingRefunds: 3, unknownRefunds: 0 });
    expect((await refunds.listRefunds('tx-1')).map((r) => r.refundId)).toEqual(['r1', 'r2', 'r3']);
  });
});
