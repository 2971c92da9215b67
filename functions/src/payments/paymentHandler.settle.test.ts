import { beforeEach, describe, expect, it } from 'vitest';
import type { Outcome, Verdict } from '../resilience/breaker/index.js';
import type { PaymentRecord } from './ledger/paymentLedger.js';
import { requestHash } from './ledger/paymentLedger.js';
import type { PaymentGuard } from './paymentHandler.js';
import type { ChargeAnswer } from './provider/paymentProvider.js';
import { found, ok, pay, paymentWorld, SETTINGS, T0, timeout } from './testing/handlerKit.js';

// Money safety against real provider behaviour: the settle window, answers
// outside the contract, lease fencing, verified lookups and key retention.

let w: ReturnType<typeof paymentWorld>;
beforeEach(() => {
  w = paymentWorld();
});

/** A record as another call (or an older version) left it. */
function stored(over: Partial<PaymentRecord>): PaymentRecord {
  const base = { amount: 2599, currency: 'USD', paymentMethod: 'credit_card' as const };
  return {
    uid: 'u1',
    ...base,
    status: 'unknown',
    attempts: 1,
    requestHash: requestHash(base),
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

const eventNames = () => w.events.map((e) => e.event);

describe('settle window', () => {
  it('a 202 stops the attempts and keeps the payment unknown until the window ends', async () => {
    const accepted: ChargeAnswer = { kind: 'indeterminate', httpStatus: 202 };
    const { handler, provider } = w.handlerWith([accepted], [{ kind: 'not-found' }]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    expect(provider.count('charge')).toBe(1);
    expect(await w.record()).toMatchObject({ status: 'unknown', error: { code: 'SETTLING' }, openAttemptAt: T0 });
  });

  it('a repeat call inside the window asks again and never re-sends', async () => {
    w.ledger.put('txn_1', stored({ openAttemptAt: T0 }));
    w.clock = T0 + 30_000;
    const { handler, provider } = w.handlerWith([], [{ kind: 'not-found' }]);
    const err = await handler.processPayment(pay(), 'u1').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_UNKNOWN', details: { retryAfterMs: 30_000 } });
    expect(provider.count('charge')).toBe(0);
    expect(await w.record()).toMatchObject({ status: 'unknown', openAttemptAt: T0 });
  });

  it('once the charge committed late, a repeat call records it as succeeded with that single charge', async () => {
    w.ledger.put('txn_1', stored({ openAttemptAt: T0 }));
    w.clock = T0 + 20_000;
    const { handler, provider } = w.handlerWith([], [found('ch_late')]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({
      status: 'succeeded',
      chargeId: 'ch_late',
      replayed: true,
    });
    expect(provider.count('charge')).toBe(0);
  });

  it('after the window, "not found" proves nothing was charged: the payment is sent again with the same key', async () => {
    w.ledger.put('txn_1', stored({ openAttemptAt: T0 }));
    w.clock = T0 + SETTINGS.settleMs + 1;
    const { handler, provider } = w.handlerWith([ok], [{ kind: 'not-found' }]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(provider.calls.map((c) => c.op)).toEqual(['lookup', 'prepare', 'charge']);
  });

  it('after 5xx answers only, nothing holds the window: a repeat call may charge at once', async () => {
    const e503: ChargeAnswer = { kind: 'server-error', httpStatus: 503 };
    const first = w.handlerWith([e503, e503, e503], [{ kind: 'unavailable', reason: 'HTTP 503' }]);
    await expect(first.handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    expect(await w.record()).toMatchObject({ status: 'unknown', openAttemptAt: null });
    const again = w.handlerWith([ok], [{ kind: 'not-found' }]);
    expect(await again.handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', attempts: 4 });
  });

  it('a record of an older version (no openAttemptAt) is judged by its updatedAt', async () => {
    w.ledger.put('txn_1', stored({ updatedAt: T0 + 50_000 }));
    w.clock = T0 + SETTINGS.settleMs + 1; // past T0 + window, but not past updatedAt + window
    const { handler, provider } = w.handlerWith([], [{ kind: 'not-found' }]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    expect(provider.count('charge')).toBe(0);
  });
});

describe('verified lookups', () => {
  it('a charge found with another amount is never this payment: unknown, CHARGE_MISMATCH, counted', async () => {
    const { handler } = w.handlerWith([timeout, timeout, timeout], [found('ch_other', 9999)]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    expect(await w.record()).toMatchObject({ status: 'unknown', error: { code: 'CHARGE_MISMATCH' } });
    expect(w.events.find((e) => e.event === 'payment.charge_mismatch')?.severity).toBe('ERROR');
    expect((await w.ledger.health(w.clock)).mismatches).toBe(1);
  });
});

describe('idempotency key retention', () => {
  const expired = T0 - SETTINGS.idempotencyTtlMs;

  it('an old failed payment is never sent again: failed-precondition, asks for a new transactionId', async () => {
    w.ledger.put('txn_1', stored({ status: 'failed', createdAt: expired, updatedAt: expired }));
    const { handler, provider } = w.handlerWith();
    const err = await handler.processPayment(pay(), 'u1').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_KEY_EXPIRED', details: { status: 'failed' } });
    expect((err as Error).message).toMatch(/new transactionId/);
    expect(provider.calls).toHaveLength(0);
    expect(await w.record()).toMatchObject({ status: 'failed', error: { code: 'KEY_EXPIRED' } });
  });

  it('an old unknown payment is resolved by lookup only', async () => {
    w.ledger.put('txn_1', stored({ createdAt: expired, updatedAt: expired, openAttemptAt: expired }));
    const notFound = w.handlerWith([], [{ kind: 'not-found' }]);
    await expect(notFound.handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_KEY_EXPIRED' });
    expect(notFound.provider.count('charge')).toBe(0);

    w.ledger.put('txn_2', stored({ createdAt: expired, updatedAt: expired, openAttemptAt: expired }));
    const hit = w.handlerWith([], [found('ch_9')]);
    expect(await hit.handler.processPayment(pay({ transactionId: 'txn_2' }), 'u1')).toMatchObject({
      status: 'succeeded',
    });
  });

  it('no attempt is sent when the key would expire during it', async () => {
    const almost = T0 - 0.9 * SETTINGS.idempotencyTtlMs + 1000; // usable for 1 s more: less than one attempt
    w.ledger.put('txn_1', stored({ status: 'failed', createdAt: almost, updatedAt: almost }));
    const { handler, provider } = w.handlerWith([ok]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_KEY_EXPIRED' });
    expect(provider.count('charge')).toBe(0);
  });
});

describe('lease fencing', () => {
  /** A guard that stalls (as a breaker refresh on a saturated pool would) while something else happens. */
  const stallingGuard = (during: () => Promise<void>): PaymentGuard => ({
    snapshot: () => ({ state: 'closed', nextProbeAt: null, syncedAt: null }),
    async execute<T>(fn: () => Promise<T>, _classify: (o: Outcome<T>) => Verdict): Promise<T> {
      await during();
      return fn();
    },
  });

  it('a call delayed past its lease before sending sends nothing; the call that took over charges once', async () => {
    let second: Promise<unknown> | undefined;
    const late = w.handlerWith(
      [ok],
      [],
      stallingGuard(async () => {
        w.clock += SETTINGS.totalTimeoutMs + 10_000; // past the first call's lease
        const other = w.handlerWith([ok], [{ kind: 'not-found' }]);
        w.clock += SETTINGS.settleMs; // and past its settle window, so the other call may charge
        second = other.handler.processPayment(pay(), 'u1');
        await second;
      }),
    );
    const first = await late.handler.processPayment(pay(), 'u1').catch((e: unknown) => e);
    expect(await second).toMatchObject({ status: 'succeeded', chargeId: 'ch_1' });
    expect(late.provider.count('charge')).toBe(0);
    // Its write met the final record the other call wrote: answered from it, as a replay (it sent nothing).
    expect(first).toEqual({ ...((await second) as object), replayed: true });
    expect(await w.record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', claimId: null });
  });

  it('a definite answer is written even after the claim was lost, and the loss is logged and counted', async () => {
    const { handler } = w.handlerWith([
      () => {
        // While the charge is in flight, the lease ends and reconciliation takes the record over.
        w.clock += SETTINGS.totalTimeoutMs + 10_000;
        void w.ledger.claimForResolution('txn_1', 8000);
        return ok;
      },
    ]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_1' });
    expect(await w.record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_1' });
    expect(w.events.find((e) => e.event === 'payment.claim_lost')).toMatchObject({ severity: 'ERROR' });
    expect((await w.ledger.health(w.clock)).lostClaims).toBe(1);
    expect(eventNames()).toContain('payment.completed');
  });

  it('a final status never changes, even for a call that held the claim', async () => {
    w.ledger.put('txn_1', stored({ status: 'succeeded', chargeId: 'ch_1', claimId: 'c1', leaseUntil: T0 + 1000 }));
    const r = await w.ledger.finalize('txn_1', 'c1', { status: 'failed', attempts: 2 });
    expect(r).toMatchObject({ written: false, conflict: 'succeeded' });
    expect(await w.record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', claimId: null });
  });
});

describe('payments the provider accepted and is still working on', () => {
  it('requires_action: recorded as waiting, answered with the client secret, settled by a later lookup', async () => {
    const action: ChargeAnswer = { kind: 'pending', state: 'requires_action', clientSecret: 'pi_1_secret_x' };
    const first = w.handlerWith([action]);
    expect(await first.handler.processPayment(pay(), 'u1')).toMatchObject({
      status: 'requires_action',
      clientSecret: 'pi_1_secret_x',
      chargeId: '',
    });
    expect(await w.record()).toMatchObject({ status: 'requires_action', claimId: null });
    const later = w.handlerWith([], [found('ch_3ds')]);
    expect(await later.handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_3ds' });
    expect(later.provider.count('charge')).toBe(0);
  });

  it('processing, looked up while still processing: stays processing, nothing sent again', async () => {
    const first = w.handlerWith([{ kind: 'pending', state: 'processing' }]);
    expect(await first.handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'processing' });
    const again = w.handlerWith([], [{ kind: 'pending', state: 'processing' }]);
    expect(await again.handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'processing', replayed: true });
    expect(again.provider.count('charge')).toBe(0);
    expect((await w.ledger.health(w.clock)).waiting).toBe(1);
  });

  it('key in use (busy): retried shortly with the same key until the provider answers', async () => {
    const { handler, provider } = w.handlerWith([{ kind: 'busy', retryAfterMs: null }, ok]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(provider.count('charge')).toBe(2);
    expect(w.sleeps[0]).toBeLessThanOrEqual(500);
  });

  it('a saved 5xx (not retryable with the same key) is resolved by a lookup, not another attempt', async () => {
    const saved: ChargeAnswer = { kind: 'server-error', httpStatus: 500, retryable: false };
    const { handler, provider } = w.handlerWith([saved], [found('ch_after_500')]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_after_500' });
    expect(provider.calls.filter((c) => c.op !== 'prepare').map((c) => c.op)).toEqual(['charge', 'lookup']);
  });
});
