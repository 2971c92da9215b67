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
});
