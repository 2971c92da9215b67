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

  it('drops the oldest samples first once maxSamples is reached', () => {
    const w = new LatencyWindow(60_000, 3);
    [1, 2, 3, 100].forEach((v) => w.record(v));
    expect(w.percentiles()).toEqual({ p50: 3, p95: 100, p99: 100 });
    w.record(0);
    expect(w.percentiles()).toEqual({ p50: 3, p95: 100, p99: 100 });
    w.record(0);
    expect(w.percentiles()).toEqual({ p50: 0, p95: 100, p99: 100 });
  });

  it('answers exactly like the array model while growing, wrapping and ageing out', () => {
    // The window as first written (an array, shift on overflow): the reference.
    const model: { at: number; ms: number }[] = [];
    const modelPercentiles = (cutoff: number) => {
      while (model.length > 0 && model[0]!.at < cutoff) model.shift();
      if (model.length === 0) return { p50: null, p95: null, p99: null };
      const sorted = model.map((s) => s.ms).sort((a, b) => a - b);
      return { p50: rank(sorted, 50), p95: rank(sorted, 95), p99: rank(sorted, 99) };
    };
    let t = 0;
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 48_271) >>> 0) % 2_147_483_647) / 2_147_483_647;
    const w = new LatencyWindow(1_000, 300, () => t);
    for (let step = 0; step < 5_000; step++) {
      t += Math.floor(random() * 8);
      const ms = Math.round(random() * 50_000) / 100;
      w.record(ms);
      model.push({ at: t, ms });
      if (model.length > 300) model.shift();
      if (step % 37 === 0) {
        expect(w.percentiles()).toEqual(modelPercentiles(t - 1_000));
        expect(w.count).toBe(model.length);
      }
    }
  });
});
