import { describe, expect, it } from 'vitest';
import { openRecord, SERVICE, T0 } from './testing/breakerTestkit.js';
import { MemoryBreakerStore } from './breakerStore.js';

describe('MemoryBreakerStore', () => {
  it('starts empty, writes `next`, and leaves the record alone for `next: null`', async () => {
    const store = new MemoryBreakerStore();
    expect(await store.read(SERVICE)).toBeNull();
    expect(await store.transact(SERVICE, () => ({ next: openRecord(), result: 'wrote' }))).toBe('wrote');
    expect(await store.transact(SERVICE, (cur) => ({ next: null, result: cur?.state }))).toBe('open');
    expect(await store.read(SERVICE)).toEqual(openRecord());
    expect(await store.read('cloudwatch-logs')).toBeNull();
  });

  it('hands out copies, so a breaker cannot change the shared record without a transaction', async () => {
    const store = new MemoryBreakerStore();
    await store.transact(SERVICE, () => ({ next: openRecord(), result: null }));
    const copy = await store.read(SERVICE);
    copy!.probeLeases.push({ id: 'x', expiresAt: T0 });
    expect((await store.read(SERVICE))?.probeLeases).toEqual([]);
  });
});
