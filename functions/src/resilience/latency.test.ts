import { describe, expect, it } from 'vitest';
import { LatencyWindow, rank } from './latency.js';

describe('LatencyWindow', () => {
  it('answers nearest-rank percentiles', () => {
    const w = new LatencyWindow();
    for (let i = 1; i <= 100; i++) w.record(i);
    expect(w.percentiles()).toEqual({ p50: 50, p95: 95, p99: 99 });
  });

  it('reports nulls when empty and forgets samples older than the window', () => {
    let t = 0;
    const w = new LatencyWindow(1000, 10, () => t);
    expect(w.percentiles()).toEqual({ p50: null, p95: null, p99: null });
    w.record(5);
    t = 2000;
    w.record(7);
    expect(w.count).toBe(1);
    expect(w.percentiles().p50).toBe(7);
  });

  it('keeps at most maxSamples', () => {
    const w = new LatencyWindow(60_000, 3);
    [1, 2, 3, 100].forEach((v) => w.record(v));
    expect(w.count).toBe(3);
    expect(rank([2, 3, 100], 50)).toBe(3);
  });
});
