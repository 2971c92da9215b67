import { describe, expect, it } from 'vitest';
import { BreakerState } from '../../api/index.js';
import { AppError } from '../../resilience/appError.js';
import type { PaymentGuard } from '../chargeAttempts.js';
import { SETTINGS } from '../testing/handlerKit.js';
import { refundWorld } from '../testing/refundWorld.js';
import type { RefundAnswer, RefundLookupAnswer } from './refundProvider.js';

const refunded = (
  amount = 10_000,
  status: 'succeeded' | 'pending' | 'failed' = 'succeeded',
  id = 're_1',
): RefundAnswer => ({
  kind: 'refund',
  refund: { providerRefundId: id, refundId: 'r1', status, amount, currency: 'USD' },
});
const found = (amount = 10_000, status: 'succeeded' | 'pending' | 'failed' = 'succeeded'): RefundLookupAnswer => ({
  kind: 'found',
  refund: { providerRefundId: 're_1', refundId: 'r1', status, amount, currency: 'USD' },
});
const timeout: RefundAnswer = { kind: 'no-answer', sent: true, reason: 'timeout' };
const notFound: RefundLookupAnswer = { kind: 'not-found' };

describe('refundPayment: answers', () => {
  it('refunds all that is left once, written ahead, and replays the refundId without a second provider refund', async () => {
    const w = refundWorld();
    const first = await w.call({}, [
      async () => {
        // Written ahead of the attempt, and counted pending.
        expect(await w.refund()).toMatchObject({ status: 'pending', amount: 10_000 });
        expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 10_000 });
        return refunded();
      },
    ]);
    expect(first.ok).toEqual({
      transactionId: 'tx-1',
      refundId: 'r1',
      status: 'succeeded',
      amount: 100,
      currency: 'USD',
      refundedAmount: 100,
      replayed: false,
    });
    expect(first.provider.calls[0]).toMatchObject({
      op: 'refund',
      paymentRef: 'tx-1',
      req: { uid: 'u1', amount: 10_000, currency: 'USD' },
    });
    expect(await w.refund()).toMatchObject({
      status: 'succeeded',
      providerRefundId: 're_1',
      attempts: 1,
      claimId: null,
    });
    expect(w.totals()).toEqual({ refundedAmount: 10_000, pendingRefundAmount: 0 });
    const again = await w.call({});
    expect(again.ok).toMatchObject({ status: 'succeeded', replayed: true, refundedAmount: 100 });
    expect(again.provider.calls).toEqual([]);
    expect(w.seen('refund.requested')).toHaveLength(1);
    expect(w.seen('refund.settled').map((e) => [e.fields.status, e.fields.previous, e.fields.by])).toEqual([
      ['succeeded', 'pending', 'call'],
    ]);
    expect(w.seen('refund.completed').map((e) => e.fields.outcome)).toEqual(['succeeded', 'replayed']);
  });

  it('two partial refunds, then the rest; more is refused naming what is left, with nothing sent', async () => {
    const w = refundWorld();
    expect((await w.call({ refundId: 'a', amount: 30 }, [refunded(3000)])).ok).toMatchObject({
      amount: 30,
      refundedAmount: 30,
    });
    expect((await w.call({ refundId: 'b', amount: 20.5 }, [refunded(2050)])).ok).toMatchObject({
      refundedAmount: 50.5,
    });
    const over = await w.call({ refundId: 'c', amount: 49.51 });
    expect(over.error).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE', details: { refundable: 49.5 } });
    expect(over.provider.calls).toEqual([]);
    expect((await w.call({ refundId: 'c' }, [refunded(4950)])).ok).toMatchObject({ amount: 49.5, refundedAmount: 100 });
    expect(w.totals()).toEqual({ refundedAmount: 10_000, pendingRefundAmount: 0 });
  });

  it('answers pending for a refund the provider settles later, and REFUND_FAILED for one it failed', async () => {
    const w = refundWorld();
    expect((await w.call({ amount: 10 }, [refunded(1000, 'pending')])).ok).toMatchObject({
      status: 'pending',
      refundedAmount: 0,
    });
    expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 1000 });
    const failed = await w.call({ refundId: 'r2', amount: 10 }, [refunded(1000, 'failed', 're_2')]);
    expect(failed.error).toMatchObject({ code: 'REFUND_FAILED', details: { status: 'failed' } });
    expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 1000 });
  });
});

describe('refundPayment: the refund seal', () => {
  it('hands the seal to the ledger claim as given, and the memory ledger decides the same with or without one', async () => {
    const w = refundWorld();
    const claims: (string | undefined)[] = [];
    const claim = w.refunds.claimRefund.bind(w.refunds);
    w.refunds.claimRefund = (req, leaseMs, claimId) => {
      claims.push(req.seal);
      return claim(req, leaseMs, claimId);
    };
    const sealed = await w.call({ amount: 30, seal: 'opaque-seal' }, [refunded(3000)]);
    const second: RefundAnswer = {
      kind: 'refund',
      refund: { providerRefundId: 're_2', refundId: 'r2', status: 'succeeded', amount: 3000, currency: 'USD' },
    };
    const plain = await w.call({ refundId: 'r2', amount: 30 }, [second]);
    expect(claims).toEqual(['opaque-seal', undefined]);
    expect(sealed.ok).toMatchObject({ status: 'succeeded', amount: 30, refundedAmount: 30, replayed: false });
    expect(plain.ok).toMatchObject({ status: 'succeeded', amount: 30, refundedAmount: 60, replayed: false });
    const tooMuch = await w.call({ refundId: 'r3', amount: 41, seal: 'opaque-seal' });
    expect(tooMuch.error?.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
    expect(tooMuch.provider.calls).toEqual([]);
  });
});

describe('refundPayment: faults follow the charge rules', () => {
  it('5xx then success: one refund, every attempt with the same refundId', async () => {
    const w = refundWorld();
    const r = await w.call({}, [{ kind: 'server-error', httpStatus: 503 }, refunded()]);
    expect(r.ok?.status).toBe('succeeded');
    expect(r.provider.calls.map((c) => c.req.refundId)).toEqual(['r1', 'r1']);
    expect((await w.refund())?.attempts).toBe(2);
  });

  it('nothing sent (breaker open, never sent, refused) -> unavailable with status failed; the next call refunds', async () => {
    const w = refundWorld();
    const notSent = await w.call({}, [
      { kind: 'no-answer', sent: false, reason: 'connect', local: true },
      { kind: 'rate-limited', retryAfterMs: 100_000 },
    ]);
    expect(notSent.error).toMatchObject({ code: 'REFUND_UNAVAILABLE', details: { refundId: 'r1', status: 'failed' } });
    expect(await w.refund()).toMatchObject({ status: 'failed', providerRefundId: null });
    expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
    const refused = await w.call({}, [{ kind: 'rejected', httpStatus: 422, providerCode: 'REFUND_EXCEEDS_CHARGE' }]);
    expect(refused.error).toMatchObject({
      code: 'REFUND_UNAVAILABLE',
      details: { providerStatus: 422, providerCode: 'REFUND_EXCEEDS_CHARGE' },
    });
    const open: PaymentGuard = {
      execute: () => Promise.reject(new AppError('BREAKER_OPEN', 'open', { details: { retryAfterMs: 5000 } })),
      snapshot: () => ({ state: BreakerState.open, nextProbeAt: null, syncedAt: null }),
    };
    const breakerOpen = await w.call({}, [], [], open);
    expect(breakerOpen.error).toMatchObject({
      code: 'REFUND_UNAVAILABLE',
      details: { status: 'failed', retryAfterMs: 5000 },
    });
    expect(w.seen('refund.attempt').at(-1)?.fields.outcome).toBe('breaker-open');
    expect((await w.call({}, [refunded()])).ok?.status).toBe('succeeded');
  });

  it('a lost answer is unknown (never failed) until a lookup resolves it, with one provider refund', async () => {
    const w = refundWorld();
    const lost = await w.call({}, [timeout, timeout, timeout], [notFound]);
    expect(lost.error).toMatchObject({ code: 'REFUND_UNKNOWN', details: { refundId: 'r1', status: 'unknown' } });
    expect(await w.refund()).toMatchObject({ status: 'unknown', attempts: 3 });
    expect(w.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 10_000 });
    // Still inside the settle window: not found proves nothing, nothing is sent again.
    const early = await w.call({}, [], [notFound]);
    expect(early.error?.code).toBe('REFUND_UNKNOWN');
    expect(early.provider.count('refund')).toBe(0);
    const resolved = await w.call({}, [], [found()]);
    expect(resolved.ok).toMatchObject({ status: 'succeeded', refundedAmount: 100, replayed: false });
    expect(resolved.provider.count('refund')).toBe(0);
    expect(w.totals()).toEqual({ refundedAmount: 10_000, pendingRefundAmount: 0 });
  });

  it('an unknown refund not found after the settle window is sent again with the same key; past the key retention never', async () => {
    const w = refundWorld();
    await w.call({}, [timeout, timeout, timeout], [notFound]);
    w.clock += SETTINGS.settleMs;
    const again = await w.call({}, [refunded()], [notFound]);
    expect(again.ok?.status).toBe('succeeded');
    expect(again.provider.calls.map((c) => c.op)).toEqual(['lookupRefund', 'refund']);
    const v = refundWorld();
    await v.call({}, [timeout, timeout, timeout], [notFound]);
    v.clock += SETTINGS.idempotencyTtlMs;
    const expired = await v.call({}, [], [notFound]);
    expect(expired.error).toMatchObject({ code: 'REFUND_UNAVAILABLE', details: { status: 'failed' } });
    expect(expired.provider.count('refund')).toBe(0);
    expect(v.totals()).toEqual({ refundedAmount: 0, pendingRefundAmount: 0 });
  });

  it('a saved 5xx is looked up, and a refund of another amount is a mismatch left unknown', async () => {
    const w = refundWorld();
    const saved = await w.call({}, [{ kind: 'server-error', httpStatus: 500, retryable: false }], [notFound]);
    expect(saved.error?.code).toBe('REFUND_UNAVAILABLE'); // done processing, and not found: nothing refunded
    expect(saved.provider.count('refund')).toBe(1);
    const m = await w.call({ refundId: 'r2', amount: 10 }, [refunded(999, 'succeeded', 're_2')]);
    expect(m.error?.code).toBe('REFUND_UNKNOWN');
    expect(await w.refund('r2')).toMatchObject({ status: 'unknown', error: { code: 'REFUND_MISMATCH' } });
    expect((await w.payments.health(w.clock)).mismatches).toBe(1);
    expect(w.seen('refund.mismatch')).toHaveLength(1);
  });
});
