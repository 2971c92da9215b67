import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FifoSemaphore } from './semaphore.js';

/** Lets pending promise callbacks (and zero-delay fake timers) run. */
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('FifoSemaphore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants free slots at once and queues callers beyond max', async () => {
    const grants: number[] = [];
    let queued = 0;
    const s = new FifoSemaphore(2, Date.now, { onGrant: (ms) => grants.push(ms), onQueue: () => queued++ });
    await s.acquire(1_000, () => new Error('timeout'));
    await s.acquire(1_000, () => new Error('timeout'));
    expect([s.active, s.pending, queued, grants]).toEqual([2, 0, 0, [0, 0]]);
    let third = false;
    void s.acquire(1_000, () => new Error('timeout')).then(() => (third = true));
    await flush();
    expect([s.active, s.pending, queued, third]).toEqual([2, 1, 1, false]);
    await vi.advanceTimersByTimeAsync(250);
    s.release();
    // The slot passes straight to the waiter: active stays at max, and the wait is reported at the handoff.
    expect([s.active, s.pending, grants]).toEqual([2, 0, [0, 0, 250]]);
    await flush();
    expect(third).toBe(true);
  });

  it('hands freed slots to waiters in arrival order, ahead of newcomers', async () => {
    const s = new FifoSemaphore(1, Date.now);
    await s.acquire(1_000, () => new Error('timeout'));
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) void s.acquire(1_000, () => new Error('timeout')).then(() => order.push(name));
    s.release();
    // Arrives after the release but before the released waiter resumes: must queue behind b and c.
    void s.acquire(1_000, () => new Error('timeout')).then(() => order.push('late'));
    await flush();
    expect(order).toEqual(['a']);
    for (let i = 0; i < 3; i++) {
      s.release();
      await flush();
    }
    expect(order).toEqual(['a', 'b', 'c', 'late']);
    expect([s.active, s.pending]).toEqual([1, 0]);
    s.release();
    expect(s.active).toBe(0);
  });

  it('rejects a caller still queued after timeoutMs with the onTimeout reason and drops it from the queue', async () => {
    const s = new FifoSemaphore(1, Date.now);
    await s.acquire(1_000, () => new Error('timeout'));
    const seen: number[] = [];
    const late = s.acquire(500, (waitedMs) => {
      seen.push(waitedMs, s.pending);
      return new Error(`waited ${waitedMs}`);
    });
    const outcome = late.then(
      () => 'granted',
      (err: Error) => err.message,
    );
    await vi.advanceTimersByTimeAsync(499);
    expect(s.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('waited 500');
    expect(seen).toEqual([500, 0]);
    // The timed-out caller never gets the slot: a release with nobody waiting frees it.
    s.release();
    expect([s.active, s.pending]).toEqual([0, 0]);
  });
});
