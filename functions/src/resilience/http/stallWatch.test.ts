import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StallWatch } from './stallWatch.js';

// A virtual event loop: the monitor's timers and clock are fake, so a stall is exactly what the test
// makes it and a loaded machine (whose real stalls a real clock would see) cannot move the results.

/** The loop is busy for `ms`: the clock moves and no timer runs meanwhile. */
function block(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

/** The loop is idle for `ms`: timers run when they are due. */
const sleep = (ms: number) => vi.advanceTimersByTime(ms);

describe('StallWatch', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
  });
  afterEach(() => {
    sleep(60); // the monitor stops at its first tick without watches, before the fake timers go
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('reports a stall of the event loop while it watches', () => {
    const watch = StallWatch.start();
    sleep(30);
    block(150);
    sleep(40);
    expect(watch.stop()).toBeGreaterThanOrEqual(120);
  });

  it('knows of a stall in progress before the monitor has ticked', () => {
    const watch = StallWatch.start();
    block(120);
    expect(watch.stop()).toBeGreaterThanOrEqual(100);
  });

  it('does not charge a watch with a stall that ended before it started', () => {
    const early = StallWatch.start();
    block(150);
    const late = StallWatch.start();
    sleep(60);
    expect(early.stop()).toBeGreaterThanOrEqual(120);
    expect(late.stop()).toBeLessThan(80);
  });

  it('reports about nothing on an idle loop', () => {
    const watch = StallWatch.start();
    sleep(100);
    expect(watch.stop()).toBeLessThan(80);
  });

  it('counts how late a fired deadline came as a stall', () => {
    const watch = StallWatch.start();
    sleep(10);
    block(100);
    // A deadline of 20 ms that could only fire after the 100 ms block.
    expect(watch.stop(20)).toBeGreaterThanOrEqual(80);
  });

  it('shares one timer among all open watches and stops it when none is open', () => {
    const started = vi.spyOn(globalThis, 'setInterval');
    const stopped = vi.spyOn(globalThis, 'clearInterval');
    const watches = Array.from({ length: 50 }, () => StallWatch.start());
    for (const w of watches.slice(0, 25)) w.stop();
    for (let i = 0; i < 25; i++) StallWatch.start().stop();
    sleep(5);
    for (const w of watches.slice(25)) w.stop();
    expect(started).toHaveBeenCalledTimes(1);
    expect(stopped).not.toHaveBeenCalled();
    sleep(60);
    expect(stopped).toHaveBeenCalledTimes(1);
  });
});

describe('StallWatch period', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
  });
  afterEach(() => {
    sleep(600);
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('ticks a fifth of the stall that matters (half the deadline), within 20-250 ms', () => {
    const started = vi.spyOn(globalThis, 'setInterval');
    StallWatch.start(5_000).stop();
    sleep(600);
    StallWatch.start(400).stop();
    sleep(600);
    StallWatch.start(40).stop();
    expect(started.mock.calls.map((c) => c[1])).toEqual([250, 40, 20]);
  });

  it('a watch that needs a shorter period restarts the timer faster; a longer one joins it', () => {
    const started = vi.spyOn(globalThis, 'setInterval');
    const slow = StallWatch.start(5_000);
    const fast = StallWatch.start(100);
    const slower = StallWatch.start(10_000);
    expect(started.mock.calls.map((c) => c[1])).toEqual([250, 20]);
    for (const w of [slow, fast, slower]) w.stop();
  });

  it('sizes a stall as well with a long period: a 3 s stall within a 5 s deadline', () => {
    const watch = StallWatch.start(5_000);
    sleep(300);
    block(3_000);
    sleep(500);
    const stalled = watch.stop();
    expect(stalled).toBeGreaterThanOrEqual(2_700);
    expect(stalled).toBeLessThanOrEqual(3_000);
  });

  it('a stall seen by the slower timer before a faster one started is still charged', () => {
    const watch = StallWatch.start(5_000);
    sleep(100);
    block(2_600);
    StallWatch.start(50).stop();
    // Sized to within one period of the slower timer (the part before its tick was due is not lateness).
    expect(watch.stop()).toBeGreaterThanOrEqual(2_600 - 250);
  });
});
