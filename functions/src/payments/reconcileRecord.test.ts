import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { requestHash, type PaymentRecord } from './ledger/paymentLedger.js';
import type { CancelAnswer, LookupAnswer } from './provider/paymentProvider.js';
import { reconcilePayments, type ReconcileDeps } from './reconcile.js';
import { dueForCheck } from './reconcileRecord.js';
import type { ReconcileEvent } from './paymentEvents.js';
import { T0 } from './testing/handlerKit.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';

// Reconciliation in Stripe's terms: "not charged" only after the PaymentIntent is
// canceled; payments waiting for the customer checked with backoff, canceled past
// PAYMENT_ACTION_TIMEOUT_MS; money wins.

const SETTLE = 60_000;
const TIMEOUT = 3_600_000;
let clock: number;
let ledger: MemoryLedger;
let events: ReconcileEvent[];

beforeEach(() => {
  clock = T0 + 10 * SETTLE;
  ledger = new MemoryLedger(() => clock);
  events = [];
});

function put(id: string, over: Partial<PaymentRecord> = {}): void {
  const base = { amount: 1234, currency: 'USD', paymentMethod: 'credit_card' as const };
  ledger.put(id, {
    ...{ uid: 'u1', ...base, status: 'unknown', attempts: 1, requestHash: requestHash(base) },
    ...{ providerRef: `pi_${id}`, createdAt: T0, updatedAt: T0, openAttemptAt: T0 },
    ...over,
  });
}

/** Answers lookups and cancels per reference, in order; records every call. */
function provider(lookups: Record<string, LookupAnswer[]>, cancels: Record<string, CancelAnswer[]> = {}) {
  const p = new ScriptedProvider();
  p.lookup = (ref, req, timeoutMs) => {
    p.calls.push({ op: 'lookup', ref, req, timeoutMs });
    return Promise.resolve(lookups[ref]?.shift() ?? { kind: 'not-found' });
  };
  p.cancel = (ref, req, timeoutMs) => {
    p.calls.push({ op: 'cancel', ref, req, timeoutMs });
    return Promise.resolve(cancels[ref]?.shift() ?? { kind: 'canceled' });
  };
  return p;
}
const ops = (p: ScriptedProvider) => p.calls.map((c) => `${c.op} ${c.ref}`);

const run = (p: ScriptedProvider, over: Partial<ReconcileDeps> = {}) =>
  reconcilePayments({
    ...{ ledger, provider: p, settleMs: SETTLE, actionTimeoutMs: TIMEOUT, budgetMs: 60_000 },
    ...{ now: () => clock, events: (e) => events.push(e), concurrency: 1 },
    ...over,
  });

describe('not found after the settle window', () => {
  it('is canceled at the provider first, then canceled in the ledger', async () => {
    put('a');
    const p = provider({});
    expect(await run(p)).toMatchObject({ examined: 1, notCharged: 1, stillUnknown: 0 });
    expect(ops(p)).toEqual(['lookup pi_a', 'cancel pi_a']);
    expect(await ledger.get('a')).toMatchObject({ status: 'canceled', claimId: null });
  });

  it('stays unknown when the cancel goes unanswered; a refused cancel tells the truth', async () => {
    put('a');
    put('b', { updatedAt: T0 + 1 });
    const charged = { kind: 'succeeded', chargeId: 'ch_b', amount: 1234, currency: 'USD' } as const;
    const p = provider(
      {},
      { pi_a: [{ kind: 'unavailable', reason: 'HTTP 500' }], pi_b: [{ kind: 'found', charge: charged }] },
    );
    expect(await run(p)).toMatchObject({ examined: 2, charged: 1, stillUnknown: 1 });
    expect(await ledger.get('a')).toMatchObject({ status: 'unknown', error: { code: 'CANCEL_UNAVAILABLE' } });
    expect(await ledger.get('b')).toMatchObject({ status: 'succeeded', chargeId: 'ch_b' });
  });

  it('without a payment of the provider (no PaymentIntent ever made) is failed, nothing canceled', async () => {
    put('a', { providerRef: undefined });
    const p = provider({});
    expect(await run(p)).toMatchObject({ notCharged: 1 });
    expect(ops(p)).toEqual(['lookup a']);
    expect((await ledger.get('a'))!.status).toBe('failed');
  });
});

describe('payments waiting for the customer', () => {
  const action: LookupAnswer = { kind: 'pending', state: 'requires_action' };

  it('are checked after those that may be charged, and written back as they wait', async () => {
    put('w', { status: 'requires_action' });
    put('u', { updatedAt: T0 + 5 });
    put('f', { status: 'requires_payment_method', updatedAt: T0 + 1 });
    const p = provider({
      pi_w: [action],
      pi_u: [{ kind: 'unavailable', reason: 'x' }],
      pi_f: [{ kind: 'pending', state: 'requires_payment_method' }],
    });
    expect(await run(p)).toMatchObject({ examined: 3, waiting: 2, stillUnknown: 1 });
    expect(ops(p)).toEqual(['lookup pi_u', 'lookup pi_w', 'lookup pi_f']);
    expect((await ledger.get('w'))!.status).toBe('requires_action');
    expect((await ledger.get('f'))!.status).toBe('requires_payment_method');
  });

  it('with backoff: the gap between checks doubles', async () => {
    put('w', { status: 'requires_action', createdAt: clock - 1000, updatedAt: clock - 1000, openAttemptAt: null });
    const p = provider({ pi_w: [action, action, action] });
    await run(p);
    expect(p.count('lookup')).toBe(1); // waited 1 s since its creation: due
    clock += 500;
    await run(p);
    expect(p.count('lookup')).toBe(1); // checked 0.5 s ago after waiting 1 s: not due
    clock += 600;
    await run(p);
    expect(p.count('lookup')).toBe(2);
  });

  it('past PAYMENT_ACTION_TIMEOUT_MS are canceled at the provider and in the ledger', async () => {
    put('w', { status: 'requires_action', createdAt: clock - TIMEOUT });
    put('f', { status: 'requires_payment_method', createdAt: clock - TIMEOUT, updatedAt: T0 + 1 });
    const p = provider({});
    expect(await run(p)).toMatchObject({ examined: 2, notCharged: 2 });
    expect(ops(p)).toEqual(['cancel pi_w', 'cancel pi_f']);
    expect((await ledger.get('w'))!.status).toBe('canceled');
    expect((await ledger.get('f'))!.status).toBe('canceled');
  });

  it('a cancel refused because it succeeded records the success; unanswered leaves it waiting', async () => {
    put('w', { status: 'requires_action', createdAt: clock - TIMEOUT });
    put('f', { status: 'requires_payment_method', createdAt: clock - TIMEOUT, updatedAt: T0 + 1 });
    const charged = { kind: 'succeeded', chargeId: 'ch_w', amount: 1234, currency: 'USD' } as const;
    const p = provider(
      {},
      { pi_w: [{ kind: 'found', charge: charged }], pi_f: [{ kind: 'unavailable', reason: 't' }] },
    );
    expect(await run(p)).toMatchObject({ charged: 1, waiting: 1 });
    expect(await ledger.get('w')).toMatchObject({ status: 'succeeded', chargeId: 'ch_w' });
    expect((await ledger.get('f'))!.status).toBe('requires_payment_method');
  });

  it('the generic contract (no cancel): past the timeout they are only looked up', async () => {
    put('w', { status: 'requires_action', createdAt: clock - TIMEOUT, providerRef: undefined });
    const p = provider({ w: [action] });
    expect(await run(p)).toMatchObject({ waiting: 1 });
    expect(ops(p)).toEqual(['lookup w']);
  });

  it('dueForCheck: records that may be charged are always due', () => {
    const r = { status: 'unknown', createdAt: 0, updatedAt: 10 } as PaymentRecord;
    expect(dueForCheck(r, 11, TIMEOUT)).toBe(true);
    expect(dueForCheck({ ...r, status: 'requires_action' }, 11, TIMEOUT)).toBe(false);
    expect(dueForCheck({ ...r, status: 'requires_action' }, 20, TIMEOUT)).toBe(true);
    expect(dueForCheck({ ...r, status: 'requires_action' }, TIMEOUT, TIMEOUT)).toBe(true);
  });
});

describe('money wins', () => {
  it('a success found for a record that said not charged is written, logged at ERROR and counted', async () => {
    put('a', { status: 'requires_payment_method', declineCode: 'generic_decline' });
    const found = { kind: 'succeeded', chargeId: 'ch_a', amount: 1234, currency: 'USD' } as const;
    // A webhook recorded it canceled while the pass held the claim; the pass's lookup found the success.
    const p = provider({ pi_a: [{ kind: 'found', charge: found }] });
    const lookup = p.lookup.bind(p);
    p.lookup = async (ref, req, t) => {
      ledger.put('a', { ...(await ledger.get('a'))!, status: 'canceled' });
      return lookup(ref, req, t);
    };
    expect(await run(p)).toMatchObject({ charged: 1 });
    expect(await ledger.get('a')).toMatchObject({ status: 'succeeded', chargeId: 'ch_a' });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'payment.late_success', stored: 'canceled', source: 'reconcile' }),
    );
    expect((await ledger.health(clock)).lateSuccesses).toBe(1);
  });
});
