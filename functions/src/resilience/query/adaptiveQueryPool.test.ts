import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LimitChange } from '../limit/limitTypes.js';
import { failure, flush, pool } from './testing/queryPoolTestkit.js';
import { FifoSemaphore } from './semaphore.js';

describe('FifoSemaphore.setMax', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a lower max hands no freed slot on until fewer are held; a higher one admits waiters at once', async () => {
    const s = new FifoSemaphore(3);
    for (let i = 0; i < 3; i++) await s.acquire(1000, () => new Error('timeout'));
    let granted = 0;
    for (let i = 0; i < 2; i++) void s.acquire(10_000, () => new Error('timeout')).then(() => granted++);
    s.setMax(1);
    s.release();
    s.release();
    await flush();
    expect([s.active, s.pending, granted]).toEqual([1, 2, 0]);
    s.setMax(3);
    await flush();
    expect([s.active, s.pending, granted]).toEqual([3, 0, 2]);
  });
});

describe('QueryPool with an adaptive limit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lowers the limit of queries at once after timeouts, within max, and reports it', async () => {
    const changes: LimitChange[] = [];
    const p = pool({ max: 10, queryTimeoutMs: 100, limit: { min: 2, onChange: (c) => changes.push(c) } });
    expect(p.stats()).toMatchObject({ max: 10, idle: 10, limit: { limit: 10, min: 2, max: 10 } });
    const slow = () => new Promise<void>((r) => setTimeout(r, 500));
    const runs = Array.from({ length: 10 }, (_, i) => failure(p.executeQuery(slow, `q${i}`)));
    await vi.advanceTimersByTimeAsync(600);
    await Promise.all(runs);
    const stats = p.stats();
    expect(stats.queryTimeouts).toBe(10);
    expect(stats.limit!.limit).toBeLessThan(10);
    expect(stats.max).toBe(10);
    expect(stats.idle).toBe(stats.limit!.limit);
    expect(changes[0]).toMatchObject({ from: 10, to: 9, reason: 'dropped' });
  });

  it('without one, the pool has no limit view and keeps max', () => {
    expect(pool({ max: 4 }).stats()).not.toHaveProperty('limit');
  });
});
