/**
 * Helpers shared by the circuit breaker unit tests (resilience/breaker/*.test.ts).
 * Lives under src/testing, which tsconfig.build.json leaves out of the deployed build.
 */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { BreakerStore, FleetBreakerState } from '../breakerStore.js';
import {
  BreakerOpenError,
  FleetCircuitBreaker,
  type BreakerOptions,
  type BreakerTransition,
  type Outcome,
  type Verdict,
} from '../circuitBreaker.js';
import { closedRecord } from '../stateMachine.js';

export const SERVICE = 'payment-service';
/** The faked clock's start, see {@link useFakeDate}. */
export const START = Date.parse('2025-01-01T12:00:00.000Z');
/** A fixed epoch ms for records built by hand. */
export const T0 = 1_000_000;

/** HTTP-like classification: a thrown error is a failure, `declined`/`skip` answers are business answers. */
export const classify = (o: Outcome<string>): Verdict =>
  o.ok ? (o.value === 'skip' ? 'ignored' : 'success') : 'failure';
/** An attempt that succeeds with 'ok'. */
export const ok = (): Promise<string> => Promise.resolve('ok');
/** An attempt that fails like an unavailable upstream. */
export const boom = (): Promise<string> => Promise.reject(new Error('upstream 503'));

/** Fakes Date only, starting at {@link START}, for every test of the calling file. */
export function useFakeDate(): void {
  beforeEach(() => {
    // The breaker uses no timers, and setImmediate must stay real for flush().
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

export const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);
/** Lets every pending promise chain (memory store, breaker bookkeeping) run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A breaker of {@link SERVICE} on `store`, with the transitions it emits. */
export function breaker(store: BreakerStore, options: Partial<BreakerOptions> = {}) {
  const b = new FleetCircuitBreaker(SERVICE, store, options);
  const events: BreakerTransition[] = [];
  b.onTransition((e) => events.push(e));
  return { b, events };
}

export async function fail(b: FleetCircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) await expect(b.execute(boom, classify)).rejects.toThrow('upstream 503');
}

export async function succeed(b: FleetCircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) await expect(b.execute(ok, classify)).resolves.toBe('ok');
}

/** Asserts that `b` refuses a call without running it, and returns the refusal. */
export async function rejected(b: FleetCircuitBreaker): Promise<BreakerOpenError> {
  const fn = vi.fn(ok);
  const error = await b.execute(fn, classify).then(
    () => null,
    (e: unknown) => e,
  );
  expect(fn).not.toHaveBeenCalled();
  expect(error).toBeInstanceOf(BreakerOpenError);
  return error as BreakerOpenError;
}

/** Opens the breaker through `b` (5 failures at the default settings). */
export async function openThrough(b: FleetCircuitBreaker) {
  await fail(b, 5);
  expect(b.snapshot().state).toBe('open');
}

/** A record of generation 3 opened at {@link T0} by 6 calls at 50 %, with `overrides`. */
export function openRecord(overrides: Partial<FleetBreakerState> = {}): FleetBreakerState {
  return {
    ...closedRecord(3, T0),
    state: 'open',
    openedAt: T0,
    nextProbeAt: T0 + 30_000,
    calls: 6,
    failureRate: 50,
    ...overrides,
  };
}
