import { randomUUID } from 'node:crypto';
import { BreakerOpenError } from './breakerErrors.js';
import { DEFAULT_BREAKER_OPTIONS, validBreakerOptions, type BreakerOptions } from './breakerOptions.js';
import { BreakerState, type BreakerSnapshot } from './breakerTypes.js';
import type { BreakerStore, FleetBreakerState } from './breakerStore.js';
import { closedRecord, Transitions, type TransitionReason } from './stateMachine.js';
import { RollingWindow } from './breakerWindow.js';
import { TransitionListeners, type BreakerTransition, type TransitionListener } from './breakerEvents.js';

export { BreakerConfigError, BreakerOpenError } from './breakerErrors.js';
export { DEFAULT_BREAKER_OPTIONS, type BreakerOptions } from './breakerOptions.js';
export { TransitionReasons, type TransitionReason } from './stateMachine.js';
export type { BreakerTransition, TransitionListener } from './breakerEvents.js';
export type { BreakerSnapshot } from './breakerTypes.js';

/** How the caller judges one attempt: business answers (declines, 4xx) are `success` for the breaker. */
export type Verdict = 'success' | 'failure' | 'ignored';
/** The result of one attempt, as handed to the classifier. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
/** One attempt under the breaker; `probe` when it is a half-open probe. */
type Attempt<T> = (ctx: { probe: boolean }) => Promise<T>;
type Classify<T> = (outcome: Outcome<T>) => Verdict;

/** The context handed to the attempt; shared frozen objects, as there is nothing per call in them. */
const NOT_A_PROBE: { readonly probe: boolean } = Object.freeze({ probe: false });
const A_PROBE: { readonly probe: boolean } = Object.freeze({ probe: true });

/**
 * Circuit breaker whose state is shared by every instance of every function
 * through a {@link BreakerStore}, while each call decides from a local copy
 * refreshed (awaited, coalesced, in the call path: no background timers) when
 * older than `refreshMs`. Each instance counts its own calls; the transitions
 * are fleet-wide transactions (`Transitions` in stateMachine.ts).
 */
export class FleetCircuitBreaker {
  private readonly options: BreakerOptions;
  private readonly window: RollingWindow;
  private readonly listeners = new TransitionListeners();
  private local: FleetBreakerState = closedRecord(0, 0);
  private syncedAt: number | null = null;
  private checkedAt = -Infinity;
  private adoptions = 0;
  private refreshing: Promise<void> | null = null;
  private opening: Promise<void> | null = null;
  private acquiring: Promise<string | null> | null = null;
  private probeBlockedUntil = 0;

  constructor(
    readonly service: string,
    private readonly store: BreakerStore,
    options: Partial<BreakerOptions> = {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.options = validBreakerOptions({ ...DEFAULT_BREAKER_OPTIONS, ...options });
    this.window = new RollingWindow(this.options.windowMs);
  }

  /**
   * Runs one attempt of `fn` unless the breaker is open (then throws
   * {@link BreakerOpenError} without calling it). `classify` judges the outcome;
   * it must not throw (if it does, the outcome counts as ignored and its error propagates).
   */
  execute<T>(fn: Attempt<T>, classify: Classify<T>): Promise<T> {
    // The common call (fresh copy, closed) goes straight to the attempt, without the slow path's extra promise.
    if (this.now() - this.checkedAt < this.options.refreshMs && this.local.state === BreakerState.closed)
      return this.run(fn, classify, this.local.generation, null);
    return this.decide(fn, classify);
  }

  /** `execute` when the copy is due for a refresh or the breaker is not closed. */
  private async decide<T>(fn: Attempt<T>, classify: Classify<T>): Promise<T> {
    // A failed or slow refresh keeps the last copy: the store being down or slow must not fail or stall calls.
    if (this.now() - this.checkedAt >= this.options.refreshMs) await this.refreshWithin(this.options.refreshWaitMs);
    for (;;) {
      const now = this.now();
      const s = this.local;
      if (s.state === BreakerState.closed) return this.run(fn, classify, s.generation, null);
      const waiting = s.state === BreakerState.open && now < (s.nextProbeAt ?? 0);
      const leasesFull = s.probeLeases.filter((l) => l.expiresAt > now).length >= this.options.halfOpenProbes;
      if (waiting || leasesFull || now < this.probeBlockedUntil) throw this.openError(now);
      if (this.acquiring !== null) {
        // One lease attempt per instance at a time; the others re-decide from its result.
        await this.acquiring.catch(() => null);
        continue;
      }
      this.acquiring = this.acquire(now).finally(() => (this.acquiring = null));
      const leaseId = await this.acquiring.catch((cause: unknown) => {
        // Store unreachable: stay open here and retry the lease after refreshMs.
        this.probeBlockedUntil = now + Math.max(this.options.refreshMs, 1_000);
        throw this.openError(now, cause);
      });
      if (leaseId !== null) return this.run(fn, classify, this.local.generation, leaseId);
    }
  }

  /** Local view after the last sync. */
  snapshot(): BreakerSnapshot {
    const { state, failureRate, calls, openedAt, nextProbeAt, generation } = this.local;
    const w = this.window.stats(this.now());
    return {
      state,
      failureRate,
      calls,
      openedAt,
      nextProbeAt,
      generation,
      syncedAt: this.syncedAt,
      windowCalls: w.calls,
      windowFailureRate: w.failureRate,
    };
  }

  /**
   * Starts the refresh `execute` would wait for when the copy is due (older
   * than refreshMs), without waiting for it: a caller with other I/O to do
   * first (a payment's claim) overlaps the read with it, and the next
   * `execute` waits only for what is left of the read (within refreshWaitMs).
   * Nothing happens while the copy is fresh or a refresh is running; a failed
   * read keeps the copy, as in `execute`.
   */
  prefetch(): void {
    if (this.refreshing === null && this.now() - this.checkedAt >= this.options.refreshMs)
      this.refresh().catch(() => undefined);
  }

  /** Refreshes the local copy from the store now (errors propagate). */
  sync(): Promise<void> {
    return this.refresh();
  }

  /**
   * Refreshes the local copy now, waiting at most refreshWaitMs as the call path's
   * own refresh does (a slower read goes on and lands later; its errors are the store's).
   */
  syncWithin(): Promise<void> {
    return this.refreshWithin(this.options.refreshWaitMs);
  }

  /** Closes the breaker fleet-wide: bumps the generation and drops every probe lease. */
  async reset(): Promise<void> {
    const now = this.now();
    const { after, from } = await this.store.transact(this.service, Transitions.reset(now));
    this.adopt(after, now, 'reset', from);
    this.probeBlockedUntil = 0;
  }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onTransition(listener: TransitionListener): () => void {
    return this.listeners.add(listener);
  }

  /**
   * Runs the attempt and books its verdict: `leaseId` null for a call made while
   * closed, else the probe lease it holds. The bookkeeping is awaited only when
   * it has store work to do (opening, finishing a probe): a closed-breaker
   * success costs no extra promise.
   */
  private async run<T>(fn: Attempt<T>, classify: Classify<T>, generation: number, leaseId: string | null): Promise<T> {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await fn(leaseId === null ? NOT_A_PROBE : A_PROBE) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    let verdict: Verdict = 'ignored';
    try {
      verdict = classify(outcome);
    } finally {
      const storeWork =
        leaseId === null ? this.afterCall(generation, verdict) : this.afterProbe(leaseId, generation, verdict);
      if (storeWork !== undefined) await storeWork;
    }
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  /** Counts a closed-breaker call; returns the opening transaction to await when this verdict trips the breaker. */
  private afterCall(generation: number, verdict: Verdict): Promise<void> | undefined {
    if (verdict === 'ignored') return undefined;
    const now = this.now();
    this.window.record(generation, verdict === 'failure', now);
    if (verdict === 'success' || this.local.state !== BreakerState.closed || this.local.generation !== generation)
      return undefined;
    const { calls, failures, failureRate, consecutiveFailures } = this.window.stats(now);
    // Rate rule, plus a streak rule: a hard outage right after healthy traffic
    // (whose successes still fill the window) trips after minCalls failures in a
    // row instead of after enough failures to outweigh the whole window.
    const rateTrips = calls >= this.options.minCalls && failures * 100 >= this.options.failureThreshold * calls;
    if (!rateTrips && consecutiveFailures < this.options.minCalls) return undefined;
    this.opening ??= this.open(generation, calls, failureRate).finally(() => (this.opening = null));
    return this.opening;
  }

  private async open(generation: number, calls: number, failureRate: number): Promise<void> {
    const now = this.now();
    const transition = Transitions.open(now, generation, this.options.openMs, calls, failureRate);
    try {
      const { after, changed, from } = await this.store.transact(this.service, transition);
      this.adopt(after, now, changed ? 'failure-rate' : undefined, from);
    } catch {
      // Store unreachable (the query pool counts the error): open locally so this
      // instance stops calling a failing service; the next sync replaces this copy.
      const local = transition(this.local).result.after;
      this.local = local;
      this.emit(BreakerState.closed, local, 'failure-rate', now);
    }
  }

  private async acquire(now: number): Promise<string | null> {
    const id = randomUUID();
    const transition = Transitions.acquire(now, id, this.options.halfOpenProbes, this.options.probeLeaseMs);
    const { after, changed, from } = await this.store.transact(this.service, transition);
    this.adopt(after, now, changed && from === BreakerState.open ? 'open-elapsed' : undefined, from);
    return after.probeLeases.some((l) => l.id === id) ? id : null;
  }

  private async afterProbe(leaseId: string, generation: number, verdict: Verdict): Promise<void> {
    const now = this.now();
    const reason = verdict === 'success' ? 'probe-succeeded' : verdict === 'failure' ? 'probe-failed' : undefined;
    try {
      const transition = Transitions.finishProbe(now, leaseId, generation, verdict, this.options.openMs);
      const { after, changed, from } = await this.store.transact(this.service, transition);
      this.adopt(after, now, changed ? reason : undefined, from);
    } catch {
      // Store unreachable (the query pool counts the error): the lease expires by itself.
    }
  }

  /** Refreshes, waiting at most `waitMs` for it (the refresh itself goes on). */
  private async refreshWithin(waitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([this.refresh().catch(() => undefined), cap]);
    clearTimeout(timer);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const now = this.now();
      const seen = this.adoptions;
      try {
        const record = await this.store.read(this.service);
        // A transaction result adopted meanwhile is at least as fresh as this read.
        if (seen === this.adoptions) this.adopt(record ?? closedRecord(0, 0), now);
      } finally {
        this.checkedAt = now;
      }
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * Takes `next` as the local copy. Emits when this instance made the change
   * (`reason`, `from` = the stored state it replaced) or saw the state change (`synced`).
   */
  private adopt(next: FleetBreakerState, now: number, reason?: TransitionReason, from?: BreakerState): void {
    const previous = this.local.state;
    this.local = next;
    this.syncedAt = this.checkedAt = now;
    this.adoptions++;
    if (next.generation !== this.window.generation) this.window.clear(next.generation);
    if (reason !== undefined) this.emit(from ?? previous, next, reason, now);
    else if (previous !== next.state) this.emit(previous, next, 'synced', now);
  }

  private emit(from: BreakerState, next: FleetBreakerState, reason: TransitionReason, at: number): void {
    const event: BreakerTransition = {
      service: this.service,
      from,
      to: next.state,
      at,
      reason,
      failureRate: next.failureRate,
      calls: next.calls,
    };
    this.listeners.emit(event);
  }

  private openError(now: number, cause?: unknown): BreakerOpenError {
    const s = this.local;
    const nextProbeAt = s.nextProbeAt ?? 0;
    // Half-open with the probe slots taken: its answer comes soon, so suggest a short wait.
    const retryAt =
      s.state === BreakerState.open && nextProbeAt > now ? nextProbeAt : now + Math.max(this.options.refreshMs, 1_000);
    return new BreakerOpenError(this.service, s.openedAt ?? now, retryAt, now, cause);
  }
}
