import { describe, expect, it } from 'vitest';
import { PhaseTimer } from './phaseTimer.js';

/** A clock the test moves by hand. */
function manualClock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('PhaseTimer', () => {
  it('reports only the phases that ran, summed, with repeated phases kept per run', () => {
    const clock = manualClock();
    const timer = new PhaseTimer(clock.now);
    expect(timer.empty).toBe(true);
    let elapsed = timer.start();
    clock.advance(3.25);
    timer.add('claim', elapsed());
    elapsed = timer.start();
    clock.advance(1.5);
    timer.add('claim', elapsed());
    timer.addEach('attempts', 12.04);
    timer.addEach('attempts', 7);
    expect(timer.empty).toBe(false);
    expect(timer.snapshot()).toEqual({ claim: 4.8, attempts: [12, 7] });
    expect(timer.snapshot()).not.toHaveProperty('lookup');
  });

  it('times an async function, also when it throws', async () => {
    const clock = manualClock();
    const timer = new PhaseTimer(clock.now);
    await expect(
      timer.time('finalize', () => {
        clock.advance(5);
        return Promise.reject(new Error('write failed'));
      }),
    ).rejects.toThrow('write failed');
    const value = await timer.time('lookup', () => {
      clock.advance(2);
      return Promise.resolve(42);
    });
    expect(value).toBe(42);
    expect(timer.snapshot()).toEqual({ finalize: 5, lookup: 2 });
  });

  it('ignores values that are not finite and clamps a clock that went back to 0', () => {
    const timer = new PhaseTimer(() => 0);
    timer.add('validate', Number.NaN);
    timer.addEach('attempts', Number.POSITIVE_INFINITY);
    timer.add('breaker', -3);
    expect(timer.snapshot()).toEqual({ breaker: 0 });
  });

  it('measures real time with performance.now by default', async () => {
    const timer = new PhaseTimer();
    await timer.time('wait', () => new Promise((r) => setTimeout(r, 20)));
    const ms = timer.snapshot().wait as number;
    expect(ms).toBeGreaterThanOrEqual(15);
    expect(ms).toBeLessThan(1000);
  });
});
