import { beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../resilience/appError.js';
import { cancelPayment } from './cancelPayment.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { requestHash, type PaymentRecord } from './ledger/paymentLedger.js';
import type { PaymentEvent } from './paymentEvents.js';
import type { CancelAnswer, LookupAnswer } from './provider/paymentProvider.js';
import { T0, paymentWorld } from './testing/handlerKit.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';

const SETTLE = 60_000;
const OWNER = { uid: 'u1', admin: false };
let clock: number;
let ledger: MemoryLedger;
let events: PaymentEvent[];

beforeEach(() => {
  clock = T0 + 10 * SETTLE;
  ledger = new MemoryLedger(() => clock);
  events = [];
});

const base = { amount: 2599, currency: 'USD', paymentMethod: 'credit_card' as const };
/** A record of `txn_1` (25.99 USD, one attempt long past its settle window) with `over` applied. */
function put(over: Partial<PaymentRecord> = {}, id = 'txn_1'): void {
  ledger.put(id, {
    uid: 'u1',
    ...base,
    status: 'requires_action',
    attempts: 1,
    requestHash: requestHash(base),
    providerRef: 'pi_1',
    claimId: null,
    leaseUntil: null,
    openAttemptAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  });
}

/** A provider with a cancel (Stripe's shape) answering `cancels`; without any, the generic contract (unsupported). */
function provider(cancels: CancelAnswer[] = [], lookups: LookupAnswer[] = []): ScriptedProvider {
  const p = new ScriptedProvider([], lookups);
  p.cancels.push(...cancels);
  return p;
}

const cancel = (p: ScriptedProvider, caller = OWNER, id = 'txn_1') =>
  cancelPayment({ ledger, provider: p, settleMs: SETTLE, now: () => clock, events: (e) => events.push(e) }, id, caller);

/** The AppError a cancel fails with, as code and details. */
async function refusal(p: Promise<unknown>) {
  const err = (await p.then(
    () => {
      throw new Error('expected the cancel to fail');
    },
    (e: unknown) => e,
  )) as AppError;
  return { code: err.code, ...err.details };
}

const stored = async () => (await ledger.get('txn_1'))!;
const succeededCharge = { kind: 'succeeded', chargeId: 'ch_9', amount: 2599, currency: 'USD' } as const;

describe('cancelPayment with a provider that cancels (Stripe)', () => {
  it('requires_action: canceled at the provider, recorded canceled with the claim released, logged', async () => {
    put();
    const p = provider([{ kind: 'canceled' }]);
    expect(await cancel(p)).toEqual({ transactionId: 'txn_1', status: 'canceled' });
    expect(p.calls.map((c) => [c.op, c.ref])).toEqual([['cancel', 'pi_1']]);
    expect(await stored()).toMatchObject({ status: 'canceled', claimId: null, leaseUntil: null, attempts: 1 });
    expect(events).toEqual([
      expect.objectContaining({ type: 'payment.settled', status: 'canceled', settledBy: 'cancel', uid: 'u1' }),
      expect.objectContaining({ type: 'payment.canceled', transactionId: 'txn_1', uid: 'u1', canceledBy: 'u1' }),
    ]);
  });

  it('a repeated cancel answers canceled again without asking the provider', async () => {
    put({ status: 'canceled' });
    const p = provider();
    expect(await cancel(p)).toEqual({ transactionId: 'txn_1', status: 'canceled' });
    expect(p.calls).toEqual([]);
  });

  it('requires_payment_method, failed and unknown past its window are canceled; an admin may cancel', async () => {
    for (const status of ['requires_payment_method', 'failed', 'unknown'] as const) {
      put({ status, openAttemptAt: clock - SETTLE });
      expect(await cancel(provider([{ kind: 'canceled' }]), { uid: 'root', admin: true })).toMatchObject({
        status: 'canceled',
      });
      expect(await stored()).toMatchObject({ status: 'canceled' });
    }
    expect(events.at(-1)).toMatchObject({ uid: 'u1', canceledBy: 'root' });
  });

  it('charged first: the provider`s truth is recorded and the cancel refused naming succeeded', async () => {
    put();
    const err = await refusal(cancel(provider([{ kind: 'found', charge: succeededCharge }])));
    expect(err).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', status: 'succeeded' });
    expect(await stored()).toMatchObject({ status: 'succeeded', chargeId: 'ch_9', claimId: null });
  });

  it('a charge for another amount is no outcome: left unknown, counted as a mismatch', async () => {
    put();
    const other = { ...succeededCharge, amount: 100 };
    const err = await refusal(cancel(provider([{ kind: 'found', charge: other }])));
    expect(err).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', status: 'unknown' });
    expect(await stored()).toMatchObject({ status: 'unknown', error: { code: 'CHARGE_MISMATCH' } });
    expect((await ledger.health(clock)).mismatches).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['payment.charge_mismatch']);
  });

  it('not cancelable (processing at the provider) or no answer: the record is given back as it was', async () => {
    put({ status: 'requires_payment_method', error: { code: 'AUTH_FAILED', message: '3-D Secure failed' } });
    const refused = await refusal(cancel(provider([{ kind: 'not-cancelable', state: 'processing' }])));
    expect(refused).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', status: 'processing' });
    const unanswered = await refusal(cancel(provider([{ kind: 'unavailable', reason: 'HTTP 500' }])));
    expect(unanswered).toMatchObject({ code: 'PAYMENT_UNAVAILABLE', status: 'requires_payment_method' });
    expect(await stored()).toMatchObject({
      status: 'requires_payment_method',
      error: { code: 'AUTH_FAILED' },
      claimId: null,
      leaseUntil: null,
      openAttemptAt: null,
    });
    expect(events).toEqual([]);
  });

  it('not found: canceled when the provider never made it (no reference), unavailable when it forgot its own', async () => {
    put({ status: 'failed', providerRef: undefined, attempts: 0 });
    expect(await cancel(provider([{ kind: 'not-found' }]))).toMatchObject({ status: 'canceled' });
    put({}, 'txn_2');
    const err = await refusal(cancel(provider([{ kind: 'not-found' }]), OWNER, 'txn_2'));
    expect(err).toMatchObject({ code: 'PAYMENT_UNAVAILABLE', status: 'requires_action' });
    expect(await ledger.get('txn_2')).toMatchObject({ status: 'requires_action', claimId: null });
  });

  it('refused before the provider is asked: another user, an unknown id, a final, processing or live record', async () => {
    const p = provider();
    put();
    expect(await refusal(cancel(p, { uid: 'u2', admin: false }))).toMatchObject({ code: 'PAYMENT_FORBIDDEN' });
    expect(await refusal(cancel(p, OWNER, 'nope'))).toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
    for (const status of ['succeeded', 'declined', 'processing'] as const) {
      put({ status });
      expect(await refusal(cancel(p))).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', status });
    }
    put({ status: 'pending', claimId: 'live', leaseUntil: clock + 3000 });
    expect(await refusal(cancel(p))).toMatchObject({ code: 'PAYMENT_IN_PROGRESS', retryAfterMs: 3000 });
    put({ status: 'unknown', openAttemptAt: clock - 1000 });
    expect(await refusal(cancel(p))).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', status: 'unknown' });
    expect(p.calls).toEqual([]);
    expect(await stored()).toMatchObject({ status: 'unknown', openAttemptAt: clock - 1000 });
  });
});

describe('cancelPayment with the generic contract (no provider cancel)', () => {
  it('never sent (no attempt, none open): canceled without a lookup', async () => {
    put({ status: 'failed', attempts: 0, providerRef: undefined });
    const p = provider();
    expect(await cancel(p)).toMatchObject({ status: 'canceled' });
    expect(p.calls.map((c) => c.op)).toEqual(['cancel']);
    expect(events).toEqual([
      expect.objectContaining({ type: 'payment.settled', status: 'canceled', amount: 2599, currency: 'USD' }),
      expect.objectContaining({ reason: 'never sent to the provider' }),
    ]);
  });

  it('sent: canceled only when a lookup finds nothing after the settle window', async () => {
    put({ status: 'unknown', providerRef: undefined, openAttemptAt: clock - SETTLE });
    const p = provider([], [{ kind: 'not-found' }]);
    expect(await cancel(p)).toMatchObject({ status: 'canceled' });
    expect(p.calls.map((c) => [c.op, c.ref])).toEqual([
      ['cancel', 'txn_1'],
      ['lookup', 'txn_1'],
    ]);
    // A dead call's pending whose lease ended a window ago: its attempt cannot land any more.
    put({ status: 'pending', claimId: 'dead', leaseUntil: clock - SETTLE, providerRef: undefined }, 'txn_2');
    expect(await cancel(provider([], [{ kind: 'not-found' }]), OWNER, 'txn_2')).toMatchObject({ status: 'canceled' });
  });

  it('found: recorded, refused naming succeeded', async () => {
    put({ status: 'unknown', providerRef: undefined });
    const err = await refusal(cancel(provider([], [{ kind: 'found', charge: succeededCharge }])));
    expect(err).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', status: 'succeeded' });
    expect(await stored()).toMatchObject({ status: 'succeeded', chargeId: 'ch_9' });
  });

  it('waiting at the provider: recorded as the provider says, refused (the contract has no cancel)', async () => {
    put({ status: 'unknown', providerRef: undefined });
    const err = await refusal(cancel(provider([], [{ kind: 'pending', state: 'requires_action' }])));
    expect(err).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', status: 'requires_action' });
    expect(await stored()).toMatchObject({ status: 'requires_action', claimId: null });
  });

  it('lookup unanswered: unavailable, a dead call`s pending given back as unknown with its window kept', async () => {
    put({ status: 'pending', claimId: 'dead', leaseUntil: clock - SETTLE, openAttemptAt: T0, providerRef: undefined });
    const err = await refusal(cancel(provider([], [{ kind: 'unavailable', reason: 'HTTP 503' }])));
    expect(err).toMatchObject({ code: 'PAYMENT_UNAVAILABLE', status: 'unknown' });
    expect(await stored()).toMatchObject({ status: 'unknown', claimId: null, openAttemptAt: clock - SETTLE });
  });
});

describe('cancelPayment and the rest of the ledger', () => {
  it('a processPayment replay of a canceled payment answers canceled and charges nothing', async () => {
    const world = paymentWorld();
    const { handler, provider: p } = world.handlerWith([{ kind: 'pending', state: 'requires_action' }]);
    expect(
      await handler.processPayment({ amount: 25.99, paymentMethod: 'credit_card', transactionId: 'txn_1' }, 'u1'),
    ).toMatchObject({ status: 'requires_action' });
    p.cancels.push({ kind: 'canceled' });
    const deps = { ledger: world.ledger, provider: p, settleMs: SETTLE, now: world.now };
    expect(await cancelPayment(deps, 'txn_1', OWNER)).toMatchObject({ status: 'canceled' });
    const replay = await handler.processPayment(
      { amount: 25.99, paymentMethod: 'credit_card', transactionId: 'txn_1' },
      'u1',
    );
    expect(replay).toMatchObject({ status: 'canceled', replayed: true, chargeId: '', amount: 25.99 });
    expect(p.count('charge')).toBe(1);
  });

  it('every cancel spends from its caller`s per-user limits, refusals included', async () => {
    ledger = new MemoryLedger(() => clock, { ratePerMin: 1, burst: 2, maxInFlight: 5 });
    put();
    const p = provider();
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await refusal(cancel(p, { uid: 'u2', admin: false }))).code);
    expect(codes).toEqual(['PAYMENT_FORBIDDEN', 'PAYMENT_FORBIDDEN', 'PAYMENT_USER_LIMITED']);
    expect(ledger.userLimits('u2')?.tokens).toBe(0);
    expect(await stored()).toMatchObject({ status: 'requires_action' });
  });
});
