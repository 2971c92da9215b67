import { describe, expect, it } from 'vitest';
import { deferred } from '../testing/deferred.js';
import {
  SERVICE,
  classify,
  advance,
  flush,
  breaker,
  fail,
  succeed,
  rejected,
  openThrough,
  useFakeDate,
} from './testing/breakerTestkit.js';
import { MemoryBreakerStore, type BreakerStore } from './breakerStore.js';

useFakeDate();

describe('FleetCircuitBreaker: one state across instances', () => {
  it('makes another instance fail fast within ~1 s of the breaker opening', async () => {
    const store = new MemoryBreakerStore();
    const { b: a } = breaker(store);
    const { b, events } = breaker(store);
    await succeed(b, 1); // b synced while closed
    advance(100);
    await openThrough(a);
    advance(400);
    await succeed(b, 1); // copy still fresh: b does not know yet
    advance(600); // b's copy is now 1 s old
    await rejected(b);
    expect(events).toEqual([expect.objectContaining({ from: 'closed', to: 'open', reason: 'synced' })]);
  });

  it('reset by a third object closes it for everyone, and stale failures do not reopen it', async () => {
    const store = new MemoryBreakerStore();
    const { b: a } = breaker(store);
    const { b } = breaker(store);
    const { b: c, events } = breaker(store);
    await fail(b, 4); // b: 4 failures of the old generation, not yet enough calls
    const inFlight = deferred<string>();
    const bCall = b.execute(() => inFlight.promise, classify);
    await flush();
    await openThrough(a);
    advance(200);
    await c.reset();
    expect(events.at(-1)).toMatchObject({ from: 'open', to: 'closed', reason: 'reset' });
    expect(await store.read(SERVICE)).toMatchObject({ state: 'closed', generation: 1 });
    inFlight.reject(new Error('upstream 503')); // b's 5th failure, but counted under generation 0
    await expect(bCall).rejects.toThrow('upstream 503');
    expect((await store.read(SERVICE))?.state).toBe('closed');
    advance(1_000);
    await fail(b, 1);
    await succeed(a, 1);
    expect(a.snapshot()).toMatchObject({ state: 'closed', generation: 1 });
    expect(b.snapshot()).toMatchObject({ state: 'closed', generation: 1, windowCalls: 1 });
    await fail(b, 4); // its own post-reset window crosses the threshold again
    expect((await store.read(SERVICE))?.state).toBe('open');
  });

  it('keeps working from its local copy when the store fails', async () => {
    const memory = new MemoryBreakerStore();
    let down = false;
    const store: BreakerStore = {
      read: (s) => (down ? Promise.reject(new Error('unavailable')) : memory.read(s)),
      transact: (s, fn) => (down ? Promise.reject(new Error('unavailable')) : memory.transact(s, fn)),
    };
    const { b, events } = breaker(store);
    await succeed(b, 1);
    down = true;
    advance(2_000);
    await succeed(b, 1);
    await expect(b.sync()).rejects.toThrow('unavailable');
    await fail(b, 3); // 3 of 5 failed
    expect(b.snapshot().state).toBe('open'); // opened locally
    expect(events).toEqual([expect.objectContaining({ to: 'open', reason: 'failure-rate' })]);
    advance(30_000);
    expect((await rejected(b)).cause).toEqual(new Error('unavailable')); // cannot take a lease
    down = false;
    advance(1_000);
    await succeed(b, 1); // the store still says closed
    expect(b.snapshot().state).toBe('closed');
  });
});
