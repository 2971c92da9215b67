import { describe, expect, it, vi } from 'vitest';
import { hasCode } from '../appError.js';
import {
  SERVICE,
  classify,
  advance,
  breaker,
  fail,
  succeed,
  rejected,
  openThrough,
  useFakeDate,
} from './testing/breakerTestkit.js';
import { MemoryBreakerStore } from './breakerStore.js';
import { FleetCircuitBreaker } from './circuitBreaker.js';

useFakeDate();

describe('FleetCircuitBreaker: counting calls and opening', () => {
  it('opens when the failure rate reaches the threshold, and only with the minimum calls', async () => {
    const store = new MemoryBreakerStore();
    const { b, events } = breaker(store);
    await succeed(b, 2);
    await fail(b, 2); // 4 calls, 50 %: too few calls
    await succeed(b, 1); // 5 calls, 40 %
    expect(b.snapshot()).toMatchObject({ state: 'closed', windowCalls: 5, windowFailureRate: 40 });
    await fail(b, 1); // 6 calls, 50 %: reaches the threshold
    expect(b.snapshot()).toMatchObject({ state: 'open', calls: 6, failureRate: 50, openedAt: Date.now() });
    expect(await store.read(SERVICE)).toMatchObject({
      state: 'open',
      calls: 6,
      failureRate: 50,
      nextProbeAt: Date.now() + 30_000,
    });
    expect(events).toEqual([
      {
        service: SERVICE,
        from: 'closed',
        to: 'open',
        at: Date.now(),
        reason: 'failure-rate',
        failureRate: 50,
        calls: 6,
      },
    ]);
  });

  it('counts only the calls of the last window (failures before an idle gap expire)', async () => {
    const { b } = breaker(new MemoryBreakerStore());
    await fail(b, 4);
    advance(10_001);
    await fail(b, 1);
    expect(b.snapshot()).toMatchObject({ state: 'closed', windowCalls: 1 });
  });

  it('opens after minCalls failures in a row even when earlier successes keep the rate low', async () => {
    const { b, events } = breaker(new MemoryBreakerStore());
    await succeed(b, 100);
    await fail(b, 4);
    expect(b.snapshot()).toMatchObject({ state: 'closed', windowCalls: 104 });
    await succeed(b, 1); // a success breaks the streak
    await fail(b, 4);
    expect(b.snapshot().state).toBe('closed');
    await fail(b, 1); // 5 in a row
    expect(b.snapshot()).toMatchObject({ state: 'open', calls: 110 });
    expect(events.map((e) => e.reason)).toEqual(['failure-rate']);
  });

  it('does not count ignored outcomes as calls', async () => {
    const { b } = breaker(new MemoryBreakerStore());
    const skip = vi.fn(() => Promise.resolve('skip'));
    await fail(b, 4);
    for (let i = 0; i < 10; i++) await b.execute(skip, classify);
    expect(skip).toHaveBeenCalledTimes(10);
    expect(b.snapshot()).toMatchObject({ state: 'closed', windowCalls: 4 });
    await fail(b, 1); // 5 of 5 failed; had the ignored calls counted as successes it would be 33 %
    expect(b.snapshot().state).toBe('open');
  });

  it('fails fast while open, without calling fn, with when-to-retry details', async () => {
    const { b } = breaker(new MemoryBreakerStore());
    advance(1_000);
    await openThrough(b);
    advance(4_000);
    const error = await rejected(b);
    expect(hasCode(error, 'BREAKER_OPEN')).toBe(true);
    expect(error.message).toBe('payment-service is unavailable (circuit open since 12:00:01Z); retry after 12:00:31Z.');
    expect(error.details).toEqual({
      service: SERVICE,
      openedAt: '2025-01-01T12:00:01.000Z',
      retryAt: '2025-01-01T12:00:31.000Z',
      retryAfterMs: 26_000,
    });
  });

  it('rejects settings that cannot work', () => {
    const store = new MemoryBreakerStore();
    expect(() => new FleetCircuitBreaker(SERVICE, store, { failureThreshold: 0 })).toThrow(
      expect.objectContaining({ code: 'BREAKER_CONFIG_INVALID' }),
    );
    expect(() => new FleetCircuitBreaker(SERVICE, store, { halfOpenProbes: 1.5 })).toThrow(/halfOpenProbes/);
  });
});
