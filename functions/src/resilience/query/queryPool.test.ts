import type { Firestore } from 'firebase-admin/firestore';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../appError.js';
import { deferred } from '../testing/deferred.js';
import { failure, fakeDb, flush, pool } from './testing/queryPoolTestkit.js';
import { QueryPool } from './queryPool.js';

describe('QueryPool', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never runs more than max queries at once and hands the db and a live signal to fn', async () => {
    vi.useFakeTimers();
    const p = pool({ max: 3 });
    let running = 0;
    let highest = 0;
    const gates = Array.from({ length: 10 }, () => deferred());
    const results = gates.map((gate, i) =>
      p.executeQuery(async (db, signal) => {
        expect(db).toBe(fakeDb);
        expect(signal.aborted).toBe(false);
        running++;
        highest = Math.max(highest, running);
        const value = await gate.promise;
        running--;
        return value;
      }, `q${i}`),
    );
    await flush();
    expect(running).toBe(3);
    expect(p.stats()).toMatchObject({ active: 3, idle: 0, pending: 7 });
    for (const [i, gate] of gates.entries()) {
      gate.resolve(`r${i}`);
      await flush();
      expect(running).toBeLessThanOrEqual(3);
    }
    expect(await Promise.all(results)).toEqual(gates.map((_, i) => `r${i}`));
    expect(highest).toBe(3);
    expect(p.stats()).toMatchObject({ active: 0, idle: 3, pending: 0, acquired: 10, queued: 7, peakActive: 3 });
  });

  it('gives freed slots to waiters in FIFO order, also against callers arriving around a release', async () => {
    // The late caller arrives after 0..15 microtask turns, i.e. at every point
    // of the release path; a pool that frees the slot before handing it over
    // would let it barge in at one of them.
    for (let turns = 0; turns <= 15; turns++) {
      const p = pool({ max: 1 });
      const started: string[] = [];
      const holder = deferred();
      const run = (name: string, gate?: Promise<string>): Promise<string> =>
        p.executeQuery(async () => {
          started.push(name);
          return gate ?? name;
        }, name);
      const all = [run('holder', holder.promise), run('a'), run('b'), run('c')];
      await new Promise((r) => setImmediate(r));
      expect(started).toEqual(['holder']);
      holder.resolve('holder');
      for (let i = 0; i < turns; i++) await Promise.resolve();
      all.push(run('late'));
      await Promise.all(all);
      expect({ turns, started }).toEqual({ turns, started: ['holder', 'a', 'b', 'c', 'late'] });
    }
  });

  it('rejects a caller that waited acquireTimeoutMs with DB_POOL_EXHAUSTED and the pool numbers', async () => {
    vi.useFakeTimers();
    const p = pool({ max: 2, acquireTimeoutMs: 1000 });
    const holders = [deferred(), deferred()];
    const held = holders.map((h, i) => p.executeQuery(() => h.promise, `hold${i}`));
    const first = failure(p.executeQuery(() => Promise.resolve('never'), 'wait1'));
    await vi.advanceTimersByTimeAsync(400);
    const second = failure(p.executeQuery(() => Promise.resolve('never'), 'wait2'));
    await vi.advanceTimersByTimeAsync(599);
    expect(p.stats().pending).toBe(2);
    await vi.advanceTimersByTimeAsync(1);

    const err = await first;
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('DB_POOL_EXHAUSTED');
    expect(err.details).toEqual({ name: 'wait1', max: 2, active: 2, pending: 1, waitedMs: 1000 });
    expect(err.message).toContain('database pool exhausted: 2/2 active, 1 waiting, waited 1000 ms');
    expect(p.stats()).toMatchObject({ pending: 1, acquireTimeouts: 1 });

    await vi.advanceTimersByTimeAsync(400);
    expect((await second).details).toMatchObject({ name: 'wait2', pending: 0, waitedMs: 1000 });

    holders.forEach((h) => h.resolve('done'));
    await Promise.all(held);
    expect(p.stats()).toMatchObject({ active: 0, pending: 0, acquired: 2, queued: 2, acquireTimeouts: 2, errors: 0 });
  });

  it('times a query out with DB_QUERY_TIMEOUT but keeps its slot until the work really settles', async () => {
    vi.useFakeTimers();
    const p = pool({ max: 1, queryTimeoutMs: 500 });
    const slow = deferred();
    let seen: AbortSignal | undefined;
    const timedOut = failure(
      p.executeQuery(
        (_db, signal) => {
          seen = signal;
          return slow.promise;
        },
        'slowRead',
        { readOnly: true },
      ),
    );
    let nextStarted = false;
    const next = p.executeQuery(() => {
      nextStarted = true;
      return Promise.resolve('next');
    }, 'next');

    await vi.advanceTimersByTimeAsync(500);
    const err = await timedOut;
    expect(err.code).toBe('DB_QUERY_TIMEOUT');
    expect(err.details).toEqual({ name: 'slowRead', timeoutMs: 500 });
    expect(seen?.aborted).toBe(true);
    // Read-only, yet not retried: the abandoned attempt is still running.
    expect(p.stats()).toMatchObject({ active: 1, pending: 1, queryTimeouts: 1, abandoned: 1, retries: 0, acquired: 1 });

    await vi.advanceTimersByTimeAsync(5_000);
    expect(nextStarted).toBe(false);
    slow.resolve('late');
    expect(await next).toBe('next');
    expect(p.stats()).toMatchObject({ active: 0, pending: 0, acquired: 2 });
    expect(p.stats().queryMs.p99).toBe(5_500);
  });

  it('applies a per-call timeoutMs instead of queryTimeoutMs', async () => {
    vi.useFakeTimers();
    const p = pool({ queryTimeoutMs: 10_000 });
    const result = failure(p.executeQuery(() => new Promise<never>(() => {}), 'quick', { timeoutMs: 200 }));
    await vi.advanceTimersByTimeAsync(200);
    expect((await result).details).toEqual({ name: 'quick', timeoutMs: 200 });
  });

  it('ends as DB_QUERY_TIMEOUT even when the query rejects as soon as its signal aborts, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const p = pool({ max: 1, queryTimeoutMs: 300 });
    const cooperative = failure(
      p.executeQuery(
        (_db, signal) =>
          new Promise<never>((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
        'coopRead',
        { readOnly: true },
      ),
    );
    await vi.advanceTimersByTimeAsync(300);
    expect((await cooperative).code).toBe('DB_QUERY_TIMEOUT');
    expect(p.stats()).toMatchObject({ queryTimeouts: 1, abandoned: 1, errors: 0, retries: 0, active: 0 });

    expect(await p.executeQuery(() => Promise.resolve('fast'), 'fastRead', { readOnly: true })).toBe('fast');
    // The deadline of a settled attempt is cleared, not left to fire later.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports wait and query latency percentiles that match what happened', async () => {
    vi.useFakeTimers();
    const p = pool({ max: 1 });
    const sleep = (ms: number) => () => new Promise<number>((r) => setTimeout(() => r(ms), ms));
    const a = p.executeQuery(sleep(100), 'a');
    const b = p.executeQuery(sleep(300), 'b');
    await vi.advanceTimersByTimeAsync(400);
    await Promise.all([a, b]);
    expect(p.stats()).toEqual({
      max: 1,
      active: 0,
      idle: 1,
      pending: 0,
      acquired: 2,
      acquireTimeouts: 0,
      queryTimeouts: 0,
      retries: 0,
      errors: 0,
      abandoned: 0,
      queued: 1,
      peakActive: 1,
      acquireWaitMs: { p50: 0, p99: 100 },
      queryMs: { p50: 100, p95: 300, p99: 300 },
    });
  });

  it('intervalStats pairs consecutive snapshots and restarts peakActive', async () => {
    const p = pool({ max: 4 });
    const gates = [deferred(), deferred()];
    const running = gates.map((g) => p.executeQuery(() => g.promise, 'hold'));
    const first = p.intervalStats();
    expect(first.previous).toBeUndefined();
    expect(first.current.peakActive).toBe(2);
    gates.forEach((g) => g.resolve('x'));
    await Promise.all(running);
    const second = p.intervalStats();
    expect(second.previous).toBe(first.current);
    expect(second.current.peakActive).toBe(2);
    expect(p.intervalStats().current.peakActive).toBe(0);
  });

  it('rejects invalid configuration with DB_POOL_CONFIG_INVALID', () => {
    expect(() => pool({ max: 0 })).toThrow(expect.objectContaining({ code: 'DB_POOL_CONFIG_INVALID' }));
    expect(() => pool({ retryAttempts: 1.5 })).toThrow(expect.objectContaining({ code: 'DB_POOL_CONFIG_INVALID' }));
  });

  it.skipIf(!process.env.FIRESTORE_EMULATOR_HOST)(
    'runs real reads and writes against the Firestore emulator',
    async () => {
      const { initializeApp, deleteApp } = await import('firebase-admin/app');
      const { getFirestore } = await import('firebase-admin/firestore');
      const app = initializeApp(
        { projectId: process.env.GCLOUD_PROJECT ?? 'demo-payments' },
        `queryPool-${Date.now()}`,
      );
      // A unique document, deleted afterwards, so suites sharing the emulator are not disturbed.
      const id = `probe-${process.pid}-${Date.now()}`;
      const doc = (db: Firestore) => db.collection('queryPoolTest').doc(id);
      const p = new QueryPool({ getDb: () => getFirestore(app), max: 2 });
      try {
        await p.executeQuery((db) => doc(db).set({ n: 1 }), 'probe.set', { idempotent: true });
        const data = await p.executeQuery(async (db) => (await doc(db).get()).data(), 'probe.get', { readOnly: true });
        expect(data).toEqual({ n: 1 });
        await p.executeQuery((db) => doc(db).delete(), 'probe.delete', { idempotent: true });
        expect(p.stats()).toMatchObject({ acquired: 3, active: 0, errors: 0 });
      } finally {
        await deleteApp(app);
      }
    },
  );
});
