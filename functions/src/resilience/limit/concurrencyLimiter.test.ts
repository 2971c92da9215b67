import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './concurrencyLimiter.js';

describe('ConcurrencyLimiter', () => {
  it('admits up to the limit; the rest wait in order and are admitted as slots free', async () => {
    const c = new ConcurrencyLimiter({ min: 1, max: 2 });
    const a = (await c.acquire(100))!;
    const b = (await c.acquire(100))!;
    const order: string[] = [];
    const third = c.acquire(1000).then((s) => (order.push('third'), s));
    const fourth = c.acquire(1000).then((s) => (order.push('fourth'), s));
    expect(c.view()).toMatchObject({ limit: 2, inFlight: 2, waiting: 2 });
    a.release({ latencyMs: 5, outcome: 'ok' });
    b.release();
    await Promise.all([third, fourth]);
    expect(order).toEqual(['third', 'fourth']);
  });

  it('gives up at the deadline with null (never sent) and counts it', async () => {
    const c = new ConcurrencyLimiter({ min: 1, max: 1 });
    const held = (await c.acquire(100))!;
    const started = Date.now();
    expect(await c.acquire(60)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(c.view()).toMatchObject({ inFlight: 1, waiting: 0, rejected: 1 });
    held.release();
    held.release(); // twice is once
    expect(c.inFlight).toBe(0);
  });

  it('a falling limit admits nobody new until enough slots are back', async () => {
    const c = new ConcurrencyLimiter({ min: 1, max: 4 });
    const slots = await Promise.all([1, 2, 3, 4].map(() => c.acquire(100)));
    for (const s of slots.slice(0, 3)) s!.release({ latencyMs: 10, outcome: 'dropped' });
    expect(c.limit).toBeLessThan(4);
    const limit = c.limit;
    const more = await Promise.all(Array.from({ length: limit }, () => c.acquire(10)));
    expect(more.filter((s) => s === null)).toHaveLength(1); // one slot is still held
    expect(c.view().changes).toBeGreaterThan(0);
  });

  it('with adaptive off, stays at the cap whatever it measures', async () => {
    const c = new ConcurrencyLimiter({ min: 1, max: 3, adaptive: false });
    for (let i = 0; i < 10; i++) (await c.acquire(10))!.release({ latencyMs: 1000, outcome: 'dropped' });
    expect(c.view()).toMatchObject({ limit: 3, min: 3, max: 3, changes: 0 });
  });
});
