import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../testing/handlerKit.js';
import { refundWorld } from '../testing/refundWorld.js';
import { ScriptedRefundProvider, type Scripted } from '../testing/scriptedRefundProvider.js';
import { reconcileRefunds } from './reconcileRefunds.js';
import type { RefundEvent } from './refundEvents.js';
import type { RefundAnswer, RefundLookupAnswer } from './refundProvider.js';

const LEASE = 11_000;
const timeout: RefundAnswer = { kind: 'no-answer', sent: true, reason: 'timeout' };
const found = (refundId: string, amount: number, status: 'succeeded' | 'pending' | 'failed'): RefundLookupAnswer => ({
  kind: 'found',
  refund: { providerRefundId: `re_${refundId}`, refundId, status, amount, currency: 'USD' },
});

/** One reconciliation of the world's refunds with scripted lookups. */
async function reconcile(w: ReturnType<typeof refundWorld>, lookups: Scripted<RefundLookupAnswer>[]) {
  const provider = new ScriptedRefundProvider([], lookups);
  const deps = {
    ledger: w.refunds,
    incidents: w.payments,
    provider,
    settleMs: SETTINGS.settleMs,
    requestMs: 6000,
    emit: ({ type, severity, ...fields }: RefundEvent) => w.events.push({ event: type, fields, severity }),
  };
  const counts = await reconcileRefunds(
    deps,
    w.clock,
    LEASE,
    (work) => work(),
    () => true,
    w.now,
  );
  return { counts, provider };
}

describe('reconcileRefunds', () => {
  it('settles unknown refunds from verified lookups, leaves those still settling open, and fails none that may be made', async () => {
    const w = refundWorld();
    await w.call({ refundId: 'a', amount: 10 }, [timeout, timeout, timeout], [{ kind: 'not-found' }]);
    await w.call({ refundId: 'b', amount: 20 }, [timeout, timeout, timeout], [{ kind: 'not-found' }]);
    expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 3000 });
    w.clock += 1000;
    const first = await reconcile(w, [found('a', 1000, 'succeeded'), { kind: 'not-found' }]);
    expect(first.counts).toMatchObject({ examined: 2, refunded: 1, stillOpen: 1, notRefunded: 0 });
    expect(await w.refund('a')).toMatchObject({ status: 'succeeded', providerRefundId: 're_a' });
    expect(await w.refund('b')).toMatchObject({ status: 'unknown' });
    expect(w.totals()).toEqual({ refundedAmount: 1000, pendingRefundAmount: 2000 });
    w.clock += SETTINGS.settleMs;
    const second = await reconcile(w, [{ kind: 'not-found' }]);
    expect(second.counts).toMatchObject({ examined: 1, notRefunded: 1 });
    expect(await w.refund('b')).toMatchObject({ status: 'failed', providerRefundId: null });
    expect(w.totals()).toEqual({ refundedAmount: 1000, pendingRefundAmount: 0 });
  });

  it('looks up refunds waiting at the provider when due, with backoff; a refund that fails later gives its amount back', async () => {
    const w = refundWorld();
    const pr = { providerRefundId: 're_p', refundId: 'p', status: 'pending', amount: 5000, currency: 'USD' } as const;
    const pending: RefundAnswer = { kind: 'refund', refund: pr };
    expect((await w.call({ refundId: 'p', amount: 50 }, [pending])).ok?.status).toBe('pending');
    w.clock += 1000;
    const still = await reconcile(w, [found('p', 5000, 'pending')]);
    expect(still.counts).toMatchObject({ examined: 1, stillOpen: 1 });
    const next = (await w.refund('p'))!.leaseUntil!;
    expect(next).toBeGreaterThanOrEqual(w.clock + 60_000);
    expect((await reconcile(w, [])).counts.examined).toBe(0); // not due yet
    w.clock = next + 1;
    const failed = await reconcile(w, [found('p', 5000, 'failed')]);
    expect(failed.counts).toMatchObject({ notRefunded: 1 });
    expect(await w.refund('p')).toMatchObject({ status: 'failed', claimId: null });
    expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    expect(w.seen('refund.settled').map((e) => [e.fields.status, e.fields.by])).toEqual([
      ['pending', 'call'],
      ['pending', 'reconcile'],
      ['failed', 'reconcile'],
    ]);
  });

  it('settles a dead call’s refund: unknown inside its settle window, then failed when not found after it', async () => {
    const w = refundWorld();
    const c = await w.refunds.claimRefund(
      {
        transactionId: 'tx-1',
        refundId: 'd',
        amount: 5,
        reason: null,
        requestedBy: 'a1',
        money: { toMinor: (a) => a * 100, toMajor: (m) => m / 100 },
      },
      LEASE,
    );
    expect(c.kind).toBe('claimed');
    w.clock += LEASE + 1; // its call died
    expect((await reconcile(w, [{ kind: 'not-found' }])).counts).toMatchObject({ examined: 1, stillOpen: 1 });
    expect(await w.refund('d')).toMatchObject({ status: 'unknown' });
    w.clock += SETTINGS.settleMs;
    expect((await reconcile(w, [{ kind: 'not-found' }])).counts).toMatchObject({ notRefunded: 1 });
    expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
  });
});
