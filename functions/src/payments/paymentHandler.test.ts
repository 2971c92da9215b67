import { beforeEach, describe, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import { Transitions } from '../resilience/breaker/stateMachine.js';
import type { ChargeAnswer, LookupAnswer } from './provider/paymentProvider.js';
import { reconcilePayments } from './reconcile.js';
import { ok, pay, paymentWorld, SETTINGS, T0, timeout } from './testing/handlerKit.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';

// The payment decision table, one test per row, through the in-memory ledger,
// a scripted provider and a real fleet breaker on an in-memory store.

let w: ReturnType<typeof paymentWorld>;
beforeEach(() => {
  w = paymentWorld();
});
const handlerWith = (...args: Parameters<typeof w.handlerWith>) => w.handlerWith(...args);
const record = () => w.record();
const settings = SETTINGS;
/** The money of every payment here (handlerKit's `pay`). */
const USD_2599 = { amount: 2599, currency: 'USD' };

describe('PaymentHandler decision table', () => {
  it('succeeded: records the charge and answers it', async () => {
    const { handler, provider } = handlerWith([ok]);
    const result = await handler.processPayment(pay(), 'u1');
    expect(result).toEqual({
      transactionId: 'txn_1',
      status: 'succeeded',
      chargeId: 'ch_1',
      amount: 25.99,
      currency: 'USD',
      attempts: 1,
      replayed: false,
    });
    expect(provider.calls[0]?.req).toMatchObject({ amount: 2599, currency: 'USD', paymentMethod: 'credit_card' });
    expect(await record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', attempts: 1, claimId: null });
    expect(w.events.find((e) => e.event === 'payment.completed')?.fields).toMatchObject({ outcome: 'succeeded' });
  });

  it('declined: records the decline code and answers it (not an error)', async () => {
    const { handler } = handlerWith([
      { kind: 'declined', chargeId: 'ch_d', declineCode: 'insufficient_funds', ...USD_2599 },
    ]);
    const result = await handler.processPayment(pay(), 'u1');
    expect(result).toMatchObject({ status: 'declined', chargeId: 'ch_d', declineCode: 'insufficient_funds' });
    expect(await record()).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds' });
  });

  it.each([400, 401, 403, 404, 409, 422])('final %i: failed-precondition, recorded failed, not retried', async (s) => {
    const { handler, provider } = handlerWith([{ kind: 'rejected', httpStatus: s, providerCode: 'nope' }]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_REJECTED',
      details: { transactionId: 'txn_1', status: 'failed', providerStatus: s, providerCode: 'nope' },
    });
    expect(provider.count('charge')).toBe(1);
    expect(provider.count('lookup')).toBe(0);
    expect(await record()).toMatchObject({ status: 'failed', error: { code: `HTTP_${s}` } });
    const authAlarm = w.events.some((e) => e.event === 'payment.provider_auth_rejected');
    expect(authAlarm).toBe(s === 401 || s === 403);
  });

  it('429 with Retry-After: waits that long, then resource-exhausted after the last attempt', async () => {
    const limited: ChargeAnswer = { kind: 'rate-limited', retryAfterMs: 1500 };
    const { handler, provider } = handlerWith([limited, limited, limited]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_RATE_LIMITED',
      details: { status: 'failed', retryAfterMs: 1500 },
    });
    expect(w.sleeps).toEqual([1500, 1500]);
    expect(provider.count('charge')).toBe(3);
    expect(provider.count('lookup')).toBe(0);
    expect(await record()).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'RATE_LIMITED' } });
  });

  it('429 without Retry-After: full-jitter backoff, then success', async () => {
    const { handler } = handlerWith([{ kind: 'rate-limited', retryAfterMs: null }, ok]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(w.sleeps).toHaveLength(1);
    expect(w.sleeps[0]).toBeGreaterThanOrEqual(0);
    expect(w.sleeps[0]).toBeLessThanOrEqual(2000);
  });

  it('5xx then success: retried with the same reference, one charge recorded', async () => {
    const { handler, provider } = handlerWith([{ kind: 'server-error', httpStatus: 503 }, ok]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(provider.calls.filter((c) => c.op === 'charge').map((c) => c.ref)).toEqual(['txn_1', 'txn_1']);
  });

  it('timeouts, lookup finds the charge: succeeded with the provider charge id', async () => {
    const { handler, provider } = handlerWith(
      [timeout, timeout, timeout],
      [{ kind: 'found', charge: { kind: 'succeeded', chargeId: 'ch_late', ...USD_2599 } }],
    );
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({
      status: 'succeeded',
      chargeId: 'ch_late',
      attempts: 3,
    });
    expect(provider.count('lookup')).toBe(1);
    expect(await record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_late' });
  });

  it('timeouts, lookup finds nothing yet: unknown, since the provider may still charge (settle window)', async () => {
    const { handler } = handlerWith([timeout, timeout, timeout], [{ kind: 'not-found' }]);
    const err = await handler.processPayment(pay(), 'u1').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_UNKNOWN', details: { transactionId: 'txn_1', status: 'unknown' } });
    const rec = await record();
    expect(rec).toMatchObject({ status: 'unknown', attempts: 3, error: { code: 'SETTLING' } });
    // The window runs from the last attempt's send time.
    const retryAfterMs = (err as { details: { retryAfterMs: number } }).details.retryAfterMs;
    expect(w.clock + retryAfterMs).toBe(rec!.openAttemptAt! + settings.settleMs);
  });

  it('5xx on every attempt, lookup finds nothing: failed (a contract answer does not hold the window open)', async () => {
    const e503: ChargeAnswer = { kind: 'server-error', httpStatus: 503 };
    const { handler, provider } = handlerWith([e503, e503, e503], [{ kind: 'not-found' }]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_UNAVAILABLE',
      details: { status: 'failed' },
    });
    expect(provider.count('lookup')).toBe(1);
    expect(await record()).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_UNAVAILABLE' } });
  });

  it('never connected: failed without a lookup, since nothing reached the provider', async () => {
    const refused: ChargeAnswer = { kind: 'no-answer', sent: false, reason: 'HTTP_CONNECTION' };
    const { handler, provider } = handlerWith([refused, refused, refused]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect(provider.count('lookup')).toBe(0);
    expect(await record()).toMatchObject({ status: 'failed' });
  });

  it('breaker open: the provider is not called; failed, unavailable with retryAfterMs', async () => {
    await w.store.transact('payment-service', Transitions.open(T0, 0, 30_000, 6, 100));
    const { handler, provider } = handlerWith();
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_UNAVAILABLE',
      details: { status: 'failed', retryAfterMs: 30_000 },
    });
    expect(provider.count('charge')).toBe(0);
    expect(await record()).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'BREAKER_OPEN' } });
  });

  it('breaker seen open: new payments are refused without any ledger write; replays still answer', async () => {
    await handlerWith([ok]).handler.processPayment(pay({ transactionId: 'txn_done' }), 'u1');
    await w.store.transact('payment-service', Transitions.open(T0, 0, 30_000, 6, 100));
    const { handler, provider } = handlerWith();
    await handler.processPayment(pay(), 'u1').catch(() => undefined); // this call's breaker learns it is open
    const spy = { claims: 0 };
    const claim = w.ledger.claim.bind(w.ledger);
    w.ledger.claim = (...args) => {
      spy.claims++;
      return claim(...args);
    };
    await expect(handler.processPayment(pay({ transactionId: 'txn_new' }), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_UNAVAILABLE',
      details: { status: 'failed' },
    });
    expect(await w.ledger.get('txn_new')).toBeNull();
    expect(await handler.processPayment(pay({ transactionId: 'txn_done' }), 'u1')).toMatchObject({ replayed: true });
    // Another user's id is answered like an unknown one (the spends with limits: breakerOpen.test.ts).
    await expect(handler.processPayment(pay({ transactionId: 'txn_done' }), 'u2')).rejects.toMatchObject({
      code: 'PAYMENT_UNAVAILABLE',
      details: { status: 'failed' },
    });
    expect(spy.claims).toBe(0);
    expect(provider.count('charge')).toBe(0);
  });

  it('breaker seen open: a repeat call for a payment that may be charged is unknown, never "not charged"', async () => {
    await handlerWith([timeout, timeout, timeout], [{ kind: 'unavailable', reason: 'timeout' }])
      .handler.processPayment(pay(), 'u1')
      .catch(() => undefined);
    await w.store.transact('payment-service', Transitions.open(w.clock, 0, 30_000, 6, 100));
    const { handler } = handlerWith();
    await handler.processPayment(pay({ transactionId: 'txn_x' }), 'u1').catch(() => undefined); // sees it open
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_UNKNOWN',
      details: { status: 'unknown' },
    });
  });

  it('a local copy of an open breaker older than a second is refreshed first: a fleet reset takes effect', async () => {
    await w.store.transact('payment-service', Transitions.open(T0, 0, 30_000, 6, 100));
    const { handler } = handlerWith([ok]);
    await handler.processPayment(pay({ transactionId: 'txn_open' }), 'u1').catch(() => undefined); // sees it open
    await w.store.transact('payment-service', Transitions.reset(T0 + 10)); // an operator resets it fleet-wide
    w.clock += 1500;
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded' });
  });

  it('ledger write fails after a charge: the caller gets the charge; reconciliation records it later', async () => {
    const { handler, provider } = handlerWith([ok]);
    w.ledger.finalize = () => Promise.reject(Object.assign(new Error('unavailable'), { code: 'DB_QUERY_FAILED' }));
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_1' });
    expect(w.events.some((e) => e.event === 'payment.ledger_write_failed' && e.severity === 'ERROR')).toBe(true);
    expect(await record()).toMatchObject({ status: 'pending' });

    Reflect.deleteProperty(w.ledger, 'finalize');
    w.clock += settings.totalTimeoutMs + 10_000; // the lease ends
    const lookups: LookupAnswer[] = [{ kind: 'found', charge: { kind: 'succeeded', chargeId: 'ch_1', ...USD_2599 } }];
    const report = await reconcilePayments({
      ledger: w.ledger,
      provider: new ScriptedProvider([], lookups),
      settleMs: settings.settleMs,
      budgetMs: 60_000,
      now: w.now,
    });
    expect(report).toMatchObject({ examined: 1, charged: 1 });
    expect(await record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_1' });
    expect(provider.count('charge')).toBe(1);
  });

  it('replay: a final record is answered again without calling the provider', async () => {
    await handlerWith([ok]).handler.processPayment(pay(), 'u1');
    const { handler, provider } = handlerWith();
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({
      status: 'succeeded',
      chargeId: 'ch_1',
      replayed: true,
    });
    expect(provider.calls).toHaveLength(0);
    expect(w.events.at(-1)?.fields).toMatchObject({ outcome: 'replayed' });
  });

  it("another user's transactionId: permission-denied, nothing changes", async () => {
    await handlerWith([ok]).handler.processPayment(pay(), 'u1');
    const before = await record();
    const { handler, provider } = handlerWith();
    await expect(handler.processPayment(pay(), 'u2')).rejects.toMatchObject({ code: 'PAYMENT_FORBIDDEN' });
    expect(provider.calls).toHaveLength(0);
    expect(await record()).toEqual(before);
  });

  it('same transactionId with other parameters: already-exists, nothing changes', async () => {
    await handlerWith([ok]).handler.processPayment(pay(), 'u1');
    const { handler, provider } = handlerWith();
    await expect(handler.processPayment(pay({ amount: 30 }), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_CONFLICT' });
    await expect(handler.processPayment(pay({ paymentMethod: 'debit_card' }), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_CONFLICT',
    });
    expect(provider.calls).toHaveLength(0);
  });

  it('live duplicate: aborted while another call holds the claim; retryAfterMs is the lease left', async () => {
    let second: Promise<unknown> | undefined;
    const { handler } = handlerWith([
      () => {
        second = handler.processPayment(pay(), 'u1').catch((e: unknown) => e);
        return ok;
      },
    ]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', replayed: false });
    expect(await second).toMatchObject({ code: 'PAYMENT_IN_PROGRESS', details: { status: 'pending' } });
    expect(((await second) as { details: { retryAfterMs: number } }).details.retryAfterMs).toBeGreaterThan(25_000);
  });

  it('unknown record, repeat call: asks the provider first and records what it found, no new charge', async () => {
    await handlerWith([timeout, timeout, timeout], [{ kind: 'unavailable', reason: 'timeout' }])
      .handler.processPayment(pay(), 'u1')
      .catch(() => undefined);
    const { handler, provider } = handlerWith(
      [],
      [{ kind: 'found', charge: { kind: 'succeeded', chargeId: 'ch_1', ...USD_2599 } }],
    );
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({
      status: 'succeeded',
      replayed: true,
      attempts: 3,
    });
    expect(provider.count('charge')).toBe(0);
  });

  it('failed record, repeat call: charges again (certainly not charged before)', async () => {
    await handlerWith([{ kind: 'rejected', httpStatus: 400 }])
      .handler.processPayment(pay(), 'u1')
      .catch(() => undefined);
    const { handler, provider } = handlerWith([ok]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(provider.count('lookup')).toBe(0);
  });

  it('invalid amount: invalid-argument and no ledger record', async () => {
    const { handler, provider } = handlerWith();
    await expect(handler.processPayment(pay({ amount: 1.234 }), 'u1')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(await record()).toBeNull();
    expect(provider.calls).toHaveLength(0);
  });

  it('no transactionId: one is generated and recorded', async () => {
    const { handler } = handlerWith([ok]);
    const result = await handler.processPayment(pay({ transactionId: undefined }), 'u1');
    expect(result.transactionId).toMatch(/^txn_[0-9a-z]{1,25}$/);
    expect(await w.ledger.get(result.transactionId)).toMatchObject({ status: PaymentStatus.succeeded });
  });
});
