import { describe, expect, it, vi } from 'vitest';
import { hasCode } from '../appError.js';
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
import { MemoryBreakerStore } from './breakerStore.js';

useFakeDate();

describe('FleetCircuitBreaker: half-open probes', () => {
  it('half-opens after the open time and lets one probe through; its success closes the breaker', async () => {
    const store = new MemoryBreakerStore();
    const { b, events } = breaker(store);
    await openThrough(b);
    advance(29_999);
    await rejected(b);
    advance(1);
    const probe = deferred<string>();
    const fn = vi.fn((_ctx: { probe: boolean }) => probe.promise);
    const running = b.execute(fn, classify);
    await flush();
    expect(fn).toHaveBeenCalledWith({ probe: true });
    expect(b.snapshot().state).toBe('half-open');
    expect((await store.read(SERVICE))?.probeLeases).toHaveLength(1);
    await rejected(b); // the single probe slot is taken
    probe.resolve('ok');
    await expect(running).resolves.toBe('ok');
    expect(await store.read(SERVICE)).toMatchObject({ state: 'closed', generation: 1, probeLeases: [], calls: 0 });
    expect(events.map((e) => `${e.from}>${e.to}:${e.reason}`)).toEqual([
      'closed>open:failure-rate',
      'open>half-open:open-elapsed',
      'half-open>closed:probe-succeeded',
    ]);
    await fail(b, 4); // the window restarted empty: 4 calls are not enough
    expect(b.snapshot().state).toBe('closed');
  });

  it('reopens with a new open time when the probe fails', async () => {
    const store = new MemoryBreakerStore();
    const { b, events } = breaker(store);
    await openThrough(b);
    advance(30_000);
    await fail(b, 1);
    const reopenedAt = Date.now();
    expect(await store.read(SERVICE)).toMatchObject({
      state: 'open',
      openedAt: reopenedAt,
      nextProbeAt: reopenedAt + 30_000,
      probeLeases: [],
    });
    expect(events.at(-1)).toMatchObject({ from: 'half-open', to: 'open', reason: 'probe-failed' });
    advance(1_000);
    expect((await rejected(b)).details).toMatchObject({ retryAfterMs: 29_000 });
  });

  it('gives the lease back when a probe outcome is ignored', async () => {
    const store = new MemoryBreakerStore();
    const { b } = breaker(store);
    await openThrough(b);
    advance(30_000);
    await expect(b.execute(() => Promise.resolve('skip'), classify)).resolves.toBe('skip');
    expect(await store.read(SERVICE)).toMatchObject({ state: 'half-open', probeLeases: [] });
    await succeed(b, 1);
    expect(b.snapshot().state).toBe('closed');
  });

  it('runs at most halfOpenProbes probes across the fleet', async () => {
    const store = new MemoryBreakerStore();
    const { b: a } = breaker(store, { halfOpenProbes: 2 });
    const { b } = breaker(store, { halfOpenProbes: 2 });
    await openThrough(a);
    advance(30_000);
    const probes = deferred<string>();
    const fn = vi.fn(() => probes.promise);
    const calls = [a, b, a, b, a, b].map((x) => x.execute(fn, classify).catch((e: unknown) => e));
    await flush();
    expect(fn).toHaveBeenCalledTimes(2);
    expect((await store.read(SERVICE))?.probeLeases).toHaveLength(2);
    probes.resolve('ok');
    const results = await Promise.all(calls);
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results.filter((r) => hasCode(r, 'BREAKER_OPEN'))).toHaveLength(4);
    expect((await store.read(SERVICE))?.state).toBe('closed');
  });

  it('frees a wedged probe when its lease expires', async () => {
    const store = new MemoryBreakerStore();
    const { b: a } = breaker(store);
    const { b } = breaker(store);
    await openThrough(a);
    advance(30_000);
    const hung = deferred<string>();
    const hungCall = a.execute(() => hung.promise, classify);
    await flush();
    advance(19_999);
    await rejected(b);
    advance(2);
    await succeed(b, 1); // the expired lease no longer counts: b probes and closes the breaker
    expect(await store.read(SERVICE)).toMatchObject({ state: 'closed', generation: 1 });
    hung.reject(new Error('late failure'));
    await expect(hungCall).rejects.toThrow('late failure');
    expect((await store.read(SERVICE))?.state).toBe('closed'); // a stale probe's verdict changes nothing
  });
});
