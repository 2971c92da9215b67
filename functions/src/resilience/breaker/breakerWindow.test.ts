import { describe, expect, it } from 'vitest';
import { RollingWindow } from './breakerWindow.js';

describe('RollingWindow', () => {
  it('counts the outcomes of the last windowMs only, even after an idle gap', () => {
    const w = new RollingWindow(10_000);
    for (let t = 0; t < 4; t++) w.record(0, true, t);
    w.record(0, false, 5_000);
    expect(w.stats(5_000)).toEqual({ calls: 5, failures: 4, failureRate: 80, consecutiveFailures: 0 });
    expect(w.stats(10_003)).toEqual({ calls: 1, failures: 0, failureRate: 0, consecutiveFailures: 0 });
    w.record(0, true, 120_000);
    expect(w.stats(120_000)).toEqual({ calls: 1, failures: 1, failureRate: 100, consecutiveFailures: 1 });
  });

  it('drops outcomes of another generation and starts empty on clear', () => {
    const w = new RollingWindow(10_000);
    w.record(0, true, 1);
    w.clear(1);
    w.record(0, true, 2);
    expect(w.stats(3)).toEqual({ calls: 0, failures: 0, failureRate: 0, consecutiveFailures: 0 });
    w.record(1, false, 3);
    w.record(1, true, 4);
    w.record(1, true, 5);
    expect(w.stats(5)).toEqual({ calls: 3, failures: 2, failureRate: 66.67, consecutiveFailures: 2 });
    expect(w.generation).toBe(1);
  });

  it('counts the trailing failures in a row, only within the window', () => {
    const w = new RollingWindow(10_000);
    [false, true, true, false, true, true, true].forEach((failed, i) => w.record(0, failed, i));
    expect(w.stats(10).consecutiveFailures).toBe(3);
    expect(w.stats(10_005).consecutiveFailures).toBe(1); // only the failure at t=6 is still in the window
  });
});

/** The window as first written (an array, sliced on every read): the reference the ring buffer must match. */
class ArrayWindow {
  private outcomes: { at: number; failed: boolean }[] = [];
  gen = 0;
  constructor(private readonly windowMs: number) {}
  record(generation: number, failed: boolean, at: number): void {
    if (generation !== this.gen) return;
    this.outcomes.push({ at, failed });
    if (this.outcomes.length > 10_000) this.outcomes.shift();
  }
  clear(generation: number): void {
    this.gen = generation;
    this.outcomes = [];
  }
  stats(now: number) {
    const firstLive = this.outcomes.findIndex((o) => o.at > now - this.windowMs);
    this.outcomes = firstLive < 0 ? [] : this.outcomes.slice(firstLive);
    const calls = this.outcomes.length;
    const failures = this.outcomes.filter((o) => o.failed).length;
    let trailing = 0;
    while (trailing < calls && this.outcomes[calls - 1 - trailing]!.failed) trailing++;
    return {
      calls,
      failures,
      failureRate: calls === 0 ? 0 : Math.round((failures / calls) * 10_000) / 100,
      consecutiveFailures: trailing,
    };
  }
}

describe('RollingWindow bounds', () => {
  it('keeps only the newest 10,000 outcomes, with failure count and streak to match', () => {
    const w = new RollingWindow(60_000);
    for (let i = 0; i < 5; i++) w.record(0, false, 0);
    for (let i = 0; i < 10_000; i++) w.record(0, true, 1);
    expect(w.stats(2)).toEqual({ calls: 10_000, failures: 10_000, failureRate: 100, consecutiveFailures: 10_000 });
    w.record(0, false, 2);
    expect(w.stats(2)).toEqual({ calls: 10_000, failures: 9_999, failureRate: 99.99, consecutiveFailures: 0 });
  });

  it('answers exactly like the array model over random calls, gaps, clears and floods', () => {
    // mulberry32: a seeded generator, so a failure replays.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const w = new RollingWindow(20_000);
    const model = new ArrayWindow(20_000);
    let now = 0;
    let largest = 0;
    for (let step = 0; step < 60_000; step++) {
      const r = random();
      if (r < 0.00005) {
        w.clear(w.generation + 1);
        model.clear(model.gen + 1);
      } else if (r < 0.0001) {
        now += 60_000; // idle gap: everything expires
      } else if (r < 0.01) {
        const stats = w.stats(now);
        expect(stats).toEqual(model.stats(now));
        largest = Math.max(largest, stats.calls);
      } else {
        // Bursts of same-millisecond calls (floods past the 10,000 cap) and steps that expire part of the window.
        now += random() < 0.995 ? 0 : Math.floor(random() * 300);
        const generation = random() < 0.01 ? w.generation - 1 : w.generation;
        const failed = random() < 0.4;
        w.record(generation, failed, now);
        model.record(generation, failed, now);
      }
    }
    expect(w.stats(now)).toEqual(model.stats(now));
    expect(largest).toBe(10_000);
  });
});
