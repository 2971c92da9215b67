import { afterEach, describe, expect, it, vi } from 'vitest';
import { trackedDelays } from './delays.ts';

describe('trackedDelays', () => {
  afterEach(() => void vi.useRealTimers());

  it('resolves at once for ms <= 0, without a timer', async () => {
    const d = trackedDelays();
    await d.delay(0);
    await d.delay(-5);
    expect(d.pending).toBe(0);
  });

  it('resolves after ms and forgets the timer', async () => {
    vi.useFakeTimers();
    const d = trackedDelays();
    let done = false;
    const p = d.delay(100).then(() => (done = true));
    expect(d.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
    expect(d.pending).toBe(0);
  });

  it('cancelAll drops every pending delay: none resolves', async () => {
    vi.useFakeTimers();
    const d = trackedDelays();
    let resolved = 0;
    void d.delay(50).then(() => resolved++);
    void d.delay(500).then(() => resolved++);
    d.cancelAll();
    expect(d.pending).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(resolved).toBe(0);
  });

  it("does not hold the process open (the timer is unref'd)", () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const d = trackedDelays();
    void d.delay(10_000);
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    d.cancelAll();
    spy.mockRestore();
  });
});
