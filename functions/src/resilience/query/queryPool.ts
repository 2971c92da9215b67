import type { RetryPolicy } from 'cockatiel';
import type { Firestore } from 'firebase-admin/firestore';
import { AppError } from '../appError.js';
import { LatencyWindow } from '../window/latency.js';
import {
  grpcStatusOf,
  isTransientDbError,
  PoolExhaustedError,
  QueryFailedError,
  QueryTimeoutError,
} from './queryPoolErrors.js';
import type { PoolInterval, PoolStats } from './queryPoolStats.js';
import type { ConcurrencyLimitView, LimitChange } from '../limit/limitTypes.js';
import { AdaptiveLimit } from '../limit/adaptiveLimit.js';
import { transientRetryPolicy } from './queryRetry.js';
import { FifoSemaphore } from './semaphore.js';

/** Construction options of {@link QueryPool}; app/runtime.ts maps the VUE_APP_* variables onto them. */
export interface QueryPoolOptions {
  /** Returns the Firestore instance; called per attempt so it is obtained lazily (e.g. `() => getFirestore()`). */
  getDb: () => Firestore;
  /** Most queries running at once (VUE_APP_MAX_CONNECTIONS, default 10). */
  max?: number;
  /** Longest a caller waits for a slot before DB_POOL_EXHAUSTED (VUE_APP_CONNECTION_TIMEOUT, default 30000). */
  acquireTimeoutMs?: number;
  /** Deadline of one attempt before DB_QUERY_TIMEOUT (VUE_APP_DATABASE_TIMEOUT, default 10000). */
  queryTimeoutMs?: number;
  /** Total attempts for transient errors of retryable queries (VUE_APP_DATABASE_RETRY_ATTEMPTS, default 3). */
  retryAttempts?: number;
  /** Clock in ms for wait/query durations; injectable for tests. */
  now?: () => number;
  /** Uniform [0, 1) source for backoff jitter; injectable for tests. */
  random?: () => number;
  /**
   * An adaptive limit of queries at once, from `min` up to `max`, learning
   * from query durations and timeouts (limit/adaptiveLimit.ts). Absent: `max` always.
   */
  limit?: { min: number; onChange?: (change: LimitChange) => void };
}

/** Per-call options of {@link QueryPool.executeQuery}. */
export interface QueryOptions {
  /** Repeating the query has the same effect as running it once (e.g. `set` of a fixed document). Enables retries. */
  idempotent?: boolean;
  /** The query only reads. Enables retries. */
  readOnly?: boolean;
  /** Deadline for each attempt of this call, overriding queryTimeoutMs. */
  timeoutMs?: number;
}

/** A query: receives the database and a signal that aborts when the pool stops waiting for it. */
export type QueryFn<T> = (db: Firestore, signal: AbortSignal) => Promise<T>;

/**
 * Bounded-concurrency pool with a FIFO wait queue in front of Firestore, the
 * app's database manager. It is not a connection pool: the Firestore SDK
 * already multiplexes its gRPC channels. What it does is cap how many queries
 * one instance runs at once, make excess callers wait at most
 * `acquireTimeoutMs`, give each attempt a deadline, retry transient gRPC
 * errors for reads and idempotent writes, and report HikariCP-style stats.
 *
 * Libraries: cockatiel provides the retry policy with exponential backoff,
 * used only for queries that may be retried. The per-attempt deadline is a
 * plain unref'd timer raced against the work: what cockatiel's aggressive
 * timeout does, without its per-call derived AbortController, event emitters
 * and executor wrapper. The concurrency limit is {@link FifoSemaphore}
 * (semaphore.ts), not cockatiel's bulkhead, which neither keeps FIFO order nor
 * rejects a queued caller on time (the reasons are in semaphore.ts).
 */
export class QueryPool {
  private readonly getDb: () => Firestore;
  private readonly acquireTimeoutMs: number;
  private readonly now: () => number;
  private readonly queryTimeoutMs: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly slots: FifoSemaphore;
  private readonly acquireWait: LatencyWindow;
  private readonly queryDurations: LatencyWindow;
  private readonly counters = {
    acquired: 0,
    acquireTimeouts: 0,
    queryTimeouts: 0,
    retries: 0,
    errors: 0,
    abandoned: 0,
    queued: 0,
  };
  private peakActive = 0;
  private lastInterval: PoolStats | undefined;
  private readonly cap: number;
  private readonly adaptive: AdaptiveLimit | undefined;

  constructor(options: QueryPoolOptions) {
    this.getDb = options.getDb;
    const max = positiveInteger('max', options.max ?? 10);
    this.acquireTimeoutMs = positiveInteger('acquireTimeoutMs', options.acquireTimeoutMs ?? 30_000);
    this.queryTimeoutMs = positiveInteger('queryTimeoutMs', options.queryTimeoutMs ?? 10_000);
    const retryAttempts = positiveInteger('retryAttempts', options.retryAttempts ?? 3);
    this.now = options.now ?? Date.now;
    this.acquireWait = new LatencyWindow(undefined, undefined, this.now);
    this.queryDurations = new LatencyWindow(undefined, undefined, this.now);
    this.slots = new FifoSemaphore(max, this.now, {
      onGrant: (waitedMs) => {
        this.counters.acquired++;
        this.acquireWait.record(waitedMs);
        this.peakActive = Math.max(this.peakActive, this.slots.active);
      },
      onQueue: () => this.counters.queued++,
    });
    this.retryPolicy = transientRetryPolicy(retryAttempts, options.random ?? Math.random);
    this.retryPolicy.onRetry(() => this.counters.retries++);
    this.cap = max;
    const onChange = options.limit?.onChange;
    this.adaptive =
      options.limit &&
      new AdaptiveLimit({
        min: options.limit.min,
        max,
        now: this.now,
        onChange: (c) => {
          this.slots.setMax(c.to);
          onChange?.(c);
        },
      });
  }

  /** The adaptive limit's view, or null without one. */
  limitView(): ConcurrencyLimitView | null {
    if (!this.adaptive) return null;
    const { recent, total } = this.adaptive.history();
    return {
      limit: this.slots.max,
      min: this.adaptive.min,
      max: this.cap,
      inFlight: this.slots.active,
      waiting: this.slots.pending,
      rejected: this.counters.acquireTimeouts,
      changes: total,
      recentChanges: recent,
    };
  }

  /**
   * Runs `fn` when a slot is free. Each attempt gets its own slot (so slots
   * are not held during backoff) and its own deadline.
   *
   * Errors (all AppErrors, told apart by code):
   * - `DB_POOL_EXHAUSTED` ({@link PoolExhaustedError}) when no slot freed up in time;
   * - `DB_QUERY_TIMEOUT` ({@link QueryTimeoutError}) at the deadline; never retried,
   *   because the abandoned attempt still runs and still holds its slot;
   * - `DB_QUERY_FAILED` ({@link QueryFailedError}) wrapping any other error, with the
   *   gRPC status in details. Transient statuses are retried first, but only
   *   for `readOnly` or `idempotent` queries: a failed commit may have applied.
   * - AppErrors thrown by `fn` itself are rethrown unchanged, so a business
   *   error raised inside a transaction keeps its own code.
   */
  async executeQuery<T>(fn: QueryFn<T>, name: string, options: QueryOptions = {}): Promise<T> {
    const limit =
      options.timeoutMs === undefined ? this.queryTimeoutMs : positiveInteger('timeoutMs', options.timeoutMs);
    const retryable = options.idempotent === true || options.readOnly === true;
    let attempts = 0;
    const once = (): Promise<T> => {
      attempts++;
      return this.attempt(fn, name, limit);
    };
    try {
      return retryable ? await this.retryPolicy.execute(once) : await once();
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.counters.errors++;
      const status = grpcStatusOf(err);
      const rawCode = (err as { code?: unknown } | null)?.code;
      throw new QueryFailedError(
        {
          name,
          grpcStatus: status ?? null,
          grpcCode: typeof rawCode === 'number' || typeof rawCode === 'string' ? rawCode : null,
          attempts,
          transient: isTransientDbError(err),
          retryable,
        },
        err,
      );
    }
  }

  /** Current snapshot; does not reset anything. */
  stats(): PoolStats {
    const wait = this.acquireWait.percentiles();
    const limit = this.limitView();
    return {
      max: this.cap,
      active: this.slots.active,
      idle: Math.max(0, this.slots.max - this.slots.active),
      pending: this.slots.pending,
      ...this.counters,
      peakActive: this.peakActive,
      acquireWaitMs: { p50: wait.p50, p99: wait.p99 },
      queryMs: this.queryDurations.percentiles(),
      ...(limit ? { limit } : {}),
    };
  }

  /**
   * Closes the current reporting interval: returns this snapshot with the one
   * from the previous call (feed both to `poolStatus`) and restarts
   * `peakActive` from the current `active`. One reporter should own this call.
   */
  intervalStats(): PoolInterval {
    const current = this.stats();
    const previous = this.lastInterval;
    this.lastInterval = current;
    this.peakActive = this.slots.active;
    return { current, previous };
  }

  /**
   * One attempt: slot, deadline, and release when `fn` really settles. At the
   * deadline the caller stops waiting and the signal is aborted, while the
   * work keeps its slot until it settles. The timer is unref'd so a pending
   * deadline never keeps the process alive, and cleared once the race is over.
   */
  private async attempt<T>(fn: QueryFn<T>, name: string, timeoutMs: number): Promise<T> {
    await this.slots.acquire(this.acquireTimeoutMs, (waitedMs) => {
      this.counters.acquireTimeouts++;
      return new PoolExhaustedError({
        name,
        max: this.slots.max,
        active: this.slots.active,
        pending: this.slots.pending,
        waitedMs,
      });
    });
    const controller = new AbortController();
    const startedAt = this.now();
    const inFlight = this.slots.active;
    let timedOut = false;
    const settle = (): void => {
      const latencyMs = this.now() - startedAt;
      this.queryDurations.record(latencyMs);
      this.slots.release();
      this.adaptive?.record({ latencyMs, inFlight, outcome: timedOut ? 'dropped' : 'ok' });
    };
    let work: Promise<T>;
    try {
      work = Promise.resolve(fn(this.getDb(), controller.signal));
    } catch (err) {
      // A synchronous throw (including from getDb) is a failed attempt, like a rejection.
      settle();
      throw err;
    }
    // The slot follows the real work, not the caller's wait, so "max at once" holds after a timeout.
    work.then(settle, settle);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => {
        // Settled before the abort, so work that fails as soon as its signal aborts still ends as a timeout.
        timedOut = true;
        resolve(TIMED_OUT);
        controller.abort();
      }, timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([work, deadline]);
      if (result === TIMED_OUT) {
        this.counters.queryTimeouts++;
        this.counters.abandoned++;
        throw new QueryTimeoutError(name, timeoutMs);
      }
      return result;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What the deadline resolves the race with; never leaves this module (the caller gets a QueryTimeoutError). */
const TIMED_OUT: unique symbol = Symbol('query deadline passed');

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new AppError(
      'DB_POOL_CONFIG_INVALID',
      `query pool option ${option} must be a positive integer, got ${value}.`,
      {
        details: { option, value },
      },
    );
  }
  return value;
}
