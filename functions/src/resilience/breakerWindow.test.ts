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
