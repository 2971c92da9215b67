import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { requestHash, type PaymentRecord } from './ledger/paymentLedger.js';
import type { LookupAnswer } from './provider/paymentProvider.js';
import { reconcilePayments, type ReconcileDeps } from './reconcile.js';
import { T0 } from './testing/handlerKit.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';
import type { PaymentRequest } from './paymentRequest.js';

const SETTLE = 60_000;
let clock: number;
let ledger: MemoryLedger;

beforeEach(() => {
  clock = T0 + 10 * SETTLE;
  ledger = new MemoryLedger(() => clock);
});

function put(id: string, over: Partial<PaymentRecord> = {}): void {
  const base = { amount: 1234, currency: 'USD', paymentMethod: 'credit_card' as const };
  ledger.put(id, {
    uid: 'u1',
    ...base,
    status: 'unknown',
    attempts: 1,
    requestHash: requestHash(base),
    createdAt: T0,
    updatedAt: T0,
    openAttemptAt: T0,
    ...over,
  });
}

/** A provider whose lookups answer from a map (absent: not found). */
class MapProvider extends ScriptedProvider {
  readonly looked: string[] = [];
  constructor(private readonly answers: Record<string, LookupAnswer | Error>) {
    super();
  }
  override lookup(ref: string, _req: PaymentRequest): Promise<LookupAnswer> {
    this.looked.push(ref);
    const a = this.answers[ref] ?? { kind: 'not-found' };
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  }
}

const run = (provider: ScriptedProvider, over: Partial<ReconcileDeps> = {}) =>
  reconcilePayments({ ledger, provider, settleMs: SETTLE, budgetMs: 60_000, now: () => clock, ...over });

describe('reconcilePayments', () => {
  it('settles from verified lookups: found, not found after the window, mismatch, still settling, live', async () => {
    put('charged');
    put('never');
    put('mismatch');
    put('settling', { openAttemptAt: clock - 1000, updatedAt: clock - 1000 });
    put('stale', { status: 'pending', claimId: 'dead', leaseUntil: clock - SETTLE - 1 });
    put('live', { status: 'pending', claimId: 'live', leaseUntil: clock + 60_000 });
    const provider = new MapProvider({
      charged: { kind: 'found', charge: { kind: 'succeeded', chargeId: 'ch_1', amount: 1234, currency: 'USD' } },
      mismatch: { kind: 'found', charge: { kind: 'succeeded', chargeId: 'ch_2', amount: 999, currency: 'USD' } },
    });
    const report = await run(provider);
    expect(report).toMatchObject({
      examined: 5,
      charged: 1,
      notCharged: 2,
      stillUnknown: 2,
      mismatches: 1,
      errors: 0,
      complete: true,
    });
    expect(await ledger.get('charged')).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', claimId: null });
    expect(await ledger.get('never')).toMatchObject({ status: 'failed', error: { code: 'NOT_CHARGED' } });
    expect(await ledger.get('mismatch')).toMatchObject({ status: 'unknown', error: { code: 'CHARGE_MISMATCH' } });
    expect(await ledger.get('settling')).toMatchObject({ status: 'unknown', error: { code: 'SETTLING' } });
    expect(await ledger.get('stale')).toMatchObject({ status: 'failed' });
    expect(await ledger.get('live')).toMatchObject({ status: 'pending', claimId: 'live' });
    expect(provider.looked).not.toContain('live');
    const health = await ledger.health(clock);
    expect(health).toMatchObject({ unknown: 2, mismatches: 1, lastRun: { charged: 1, notCharged: 2 } });
  });

  it('pages through every record once, oldest first, and logs a failing record without stopping', async () => {
    for (let i = 0; i < 25; i++) put(`r${String(i).padStart(2, '0')}`, { updatedAt: T0 + i });
    const events: string[] = [];
    const provider = new MapProvider({ r12: new Error('lookup blew up') });
    const report = await run(provider, { pageSize: 4, concurrency: 3, events: (e) => events.push(e.type) });
    expect(report).toMatchObject({ examined: 25, notCharged: 24, errors: 1, complete: true });
    expect(new Set(provider.looked).size).toBe(25);
    expect(provider.looked.slice(0, 3)).toEqual(['r00', 'r01', 'r02']);
    expect(events).toContain('payments.reconcile_record_failed');
    expect(await ledger.get('r12')).toMatchObject({ status: 'pending' }); // left for the next pass once its lease ends
  });

  it('stops at its time budget and says it is incomplete', async () => {
    for (let i = 0; i < 10; i++) put(`b${i}`, { updatedAt: T0 + i });
    const provider = new MapProvider({});
    const slow = Object.assign(provider, {
      lookup: (ref: string) => {
        clock += 5_000;
        provider.looked.push(ref);
        return Promise.resolve({ kind: 'not-found' } as LookupAnswer);
      },
    });
    const report = await run(slow, { budgetMs: 30_000, concurrency: 1, pageSize: 2 });
    expect(report.complete).toBe(false);
    expect(report.examined).toBeGreaterThan(0);
    expect(report.examined).toBeLessThan(10);
  });

  it('two overlapping passes never act twice on one record', async () => {
    // Still settling: a pass writes them back as unknown, so only the scan-time check stops a second act.
    for (let i = 0; i < 12; i++) put(`o${i}`, { updatedAt: T0 + i, openAttemptAt: clock - 1000 });
    const scannedEarly = await ledger.scanUnresolved({ status: 'unknown', before: clock, limit: 100 });
    const a = new MapProvider({});
    const b = new MapProvider({});
    const ra = await run(a);
    // Pass b read its page before pass a wrote: it must see every record as changed and skip it.
    const laggingLedger = Object.assign(Object.create(ledger) as MemoryLedger, {
      scanUnresolved: (q: { status: string; after?: unknown }) =>
        Promise.resolve(q.after || q.status !== 'unknown' ? [] : scannedEarly),
    });
    const rb = await reconcilePayments({
      ledger: laggingLedger,
      provider: b,
      settleMs: SETTLE,
      budgetMs: 60_000,
      now: () => clock,
    });
    expect(ra.examined).toBe(12);
    expect(rb).toMatchObject({ examined: 0, skipped: 12 });
    expect(b.looked).toEqual([]);
  });
});
