import { describe, expect, it } from 'vitest';
import { MemoryBreakerStore, type BreakerStore } from './breakerStore.js';
import { FleetCircuitBreaker } from './circuitBreaker.js';

describe('breaker refresh never blocks a call', () => {
  it('goes on with the local copy when the store is slow (e.g. a saturated query pool)', async () => {
    const memory = new MemoryBreakerStore();
    let reads = 0;
    const slow: BreakerStore = {
      read: (service) => {
        reads++;
        return new Promise((resolve) => setTimeout(() => resolve(memory.read(service)), 5_000));
      },
      transact: (service, fn) => memory.transact(service, fn),
    };
    const breaker = new FleetCircuitBreaker('payment-service', slow, { refreshWaitMs: 100 });
    const started = Date.now();
    const value = await breaker.execute(
      () => Promise.resolve('charged'),
      () => 'success',
    );
    expect(value).toBe('charged');
    expect(reads).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('prefetch starts the due refresh without waiting, and execute then waits only for what is left of it', async () => {
    const memory = new MemoryBreakerStore();
    let reads = 0;
    let answer: (() => void) | undefined;
    const held: BreakerStore = {
      read: (service) => {
        reads++;
        return new Promise((resolve) => (answer = () => resolve(memory.read(service))));
      },
      transact: (service, fn) => memory.transact(service, fn),
    };
    let now = 10_000;
    const breaker = new FleetCircuitBreaker('payment-service', held, { refreshMs: 1_000 }, () => now);
    breaker.prefetch();
    expect(reads).toBe(1);
    breaker.prefetch(); // one read at a time
    expect(reads).toBe(1);
    let ran = false;
    const call = breaker.execute(
      () => ((ran = true), Promise.resolve('charged')),
      () => 'success',
    );
    await Promise.resolve();
    expect(ran).toBe(false); // waits for the prefetched read, sends no second one
    expect(reads).toBe(1);
    answer!();
    await expect(call).resolves.toBe('charged');
    expect(reads).toBe(1);
    now += 500;
    breaker.prefetch(); // fresh copy: nothing to read
    expect(reads).toBe(1);
    now += 600;
    breaker.prefetch();
    expect(reads).toBe(2);
  });
});
