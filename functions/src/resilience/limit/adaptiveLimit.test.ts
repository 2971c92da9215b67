import { describe, expect, it } from 'vitest';
import type { LimitChange } from './limitTypes.js';
import { AdaptiveLimit } from './adaptiveLimit.js';

function limit(min = 2, max = 10) {
  const changes: LimitChange[] = [];
  const l = new AdaptiveLimit({ min, max, now: () => 42, onChange: (c) => changes.push(c) });
  return { l, changes };
}

/** `n` answers of `latencyMs` with the limit fully used. */
const feed = (l: AdaptiveLimit, n: number, latencyMs: number) => {
  for (let i = 0; i < n; i++) l.record({ latencyMs, inFlight: l.limit, outcome: 'ok' });
};

describe('AdaptiveLimit', () => {
  it('stays at the cap while latency is steady, even with jitter', () => {
    const { l, changes } = limit();
    for (let i = 0; i < 500; i++) l.record({ latencyMs: 40 + (i % 7) * 5, inFlight: 10, outcome: 'ok' });
    expect(l.limit).toBe(10);
    expect(changes).toEqual([]);
  });

  it('falls when latency climbs well above its baseline, not below the minimum', () => {
    const { l, changes } = limit();
    feed(l, 100, 50);
    feed(l, 30, 400);
    expect(l.limit).toBeLessThan(6);
    expect(l.limit).toBeGreaterThanOrEqual(2);
    expect(changes[0]).toEqual({ at: 42, from: 10, to: 9, reason: 'latency' });
    feed(l, 300, 2000);
    expect(l.limit).toBeGreaterThanOrEqual(2);
  });

  it('recovers to the cap once latency is back', () => {
    const { l, changes } = limit();
    feed(l, 100, 50);
    feed(l, 30, 400);
    const low = l.limit;
    feed(l, 200, 50);
    expect(low).toBeLessThan(10);
    expect(l.limit).toBe(10);
    expect(changes.at(-1)).toMatchObject({ to: 10, reason: 'recovered' });
    expect(l.history().total).toBe(changes.length);
  });

  it('backs off multiplicatively on drops (429, timeouts)', () => {
    const { l } = limit(1, 20);
    for (let i = 0; i < 5; i++) l.record({ latencyMs: 50, inFlight: 20, outcome: 'dropped' });
    expect(l.limit).toBe(Math.floor(20 * 0.9 ** 5));
  });

  it('does not grow on answers while most of the limit is unused', () => {
    const { l } = limit(1, 10);
    for (let i = 0; i < 10; i++) l.record({ latencyMs: 50, inFlight: 10, outcome: 'dropped' });
    const low = l.limit;
    for (let i = 0; i < 100; i++) l.record({ latencyMs: 50, inFlight: 1, outcome: 'ok' });
    expect(l.limit).toBe(low);
  });

  it('keeps a bounded list of recent changes', () => {
    const l = new AdaptiveLimit({ min: 1, max: 100, keepChanges: 3 });
    for (let i = 0; i < 20; i++) l.record({ latencyMs: 5, inFlight: 100, outcome: 'dropped' });
    expect(l.history().recent).toHaveLength(3);
    expect(l.history().total).toBeGreaterThan(3);
  });
});
