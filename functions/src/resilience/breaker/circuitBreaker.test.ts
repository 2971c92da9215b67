import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hasCode } from '../../errors.js';
import { deferred } from '../../testing/deferred.js';
import { MemoryBreakerStore, type BreakerStore } from './breakerStore.js';
import {
  BreakerOpenError,
  FleetCircuitBreaker,
  type BreakerOptions,
  type BreakerTransition,
  type Outcome,
  type Verdict,
} from './circuitBreaker.js';

const SERVICE = 'payment-service';
const START = Date.parse('2025-01-01T12:00:00.000Z');

/** HTTP-like classification: a thrown error is a failure, `declined`/`skip` answers are business answers. */
const classify = (o: Outcome<string>): Verdict => (o.ok ? (o.value === 'skip' ? 'ignored' : 'success') : 'failure');
const ok = vi.fn(async () => 'ok');
const boom = vi.fn(async (): Promise<string> => {
  throw new Error('upstream 503');
});

const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);
/** Lets every pending promise chain (memory store, breaker bookkeeping) run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function breaker(store: BreakerStore, options: Partial<BreakerOptions> = {}) {
  const b = new FleetCircuitBreaker(SERVICE, store, options);
  const events: BreakerTransition[] = [];
  b.onTransition((e) => events.push(e));
  return { b, events };
}

async function fail(b: FleetCircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) await expect(b.execute(boom, classify)).rejects.toThrow('upstream 503');
}

async function succeed(b: FleetCircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) await expect(b.execute(ok, classify)).resolves.toBe('ok');
}

async function rejected(b: FleetCircuitBreaker): Promise<BreakerOpenError> {
  const fn = vi.fn(async () => 'ok');
  const error = await b.execute(fn, classify).then(
    () => null,
    (e: unknown) => e,
  );
  expect(fn).not.toHaveBeenCalled();
  expect(error).toBeInstanceOf(BreakerOpenError);
  return error as BreakerOpenError;
}

/** Opens the breaker through `b` (5 failures at the default settings). */
async function openThrough(b: FleetCircuitBreaker) {
  await fail(b, 5);
  expect(b.snapshot().state).toBe('open');
}

beforeEach(() => {
  // Only Date is faked: the breaker uses no timers, and setImmediate must stay real for flush().
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
  ok.mockClear();
  boom.mockClear();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('FleetCircuitBreaker', () => {
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
    const skip = vi.fn(async () => 'skip');
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
    await expect(b.execute(async () => 'skip', classify)).resolves.toBe('skip');
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

  it('rejects settings that cannot work', () => {
    const store = new MemoryBreakerStore();
    expect(() => new FleetCircuitBreaker(SERVICE, store, { failureThreshold: 0 })).toThrow(
      expect.objectContaining({ code: 'BREAKER_CONFIG_INVALID' }),
    );
    expect(() => new FleetCircuitBreaker(SERVICE, store, { halfOpenProbes: 1.5 })).toThrow(/halfOpenProbes/);
  });
});
