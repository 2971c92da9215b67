/**
 * What the query pool reports: its numbers and its status word.
 * Import-free (type imports only): the admin SPA bundles it through api/.
 */

import type { ConcurrencyLimitView } from '../limit/limitTypes.js';
import type { LatencyPercentiles } from '../window/latencyTypes.js';

/**
 * Query pool numbers (HikariCP words) of one instance or of the fleet. Counters
 * are cumulative since the pool was created; gauges are "now".
 */
export interface DbPoolNumbers {
  /** Most queries allowed to run at once (HikariCP maximumPoolSize; VUE_APP_MAX_CONNECTIONS per instance). */
  max: number;
  /** Slots held right now, including slots still held by timed-out (abandoned) queries. */
  active: number;
  /** Free slots right now: `max - active`. */
  idle: number;
  /** Callers waiting for a slot right now (HikariCP pendingThreads). */
  pending: number;
  /** Slots handed out so far; one per attempt, so a retried query counts once per attempt. */
  acquired: number;
  /** Callers that gave up after waiting VUE_APP_CONNECTION_TIMEOUT for a slot ("database pool exhausted"). */
  acquireTimeouts: number;
  /** Attempts that passed their deadline (VUE_APP_DATABASE_TIMEOUT). */
  queryTimeouts: number;
  /** Extra attempts made after a transient error (attempts beyond the first). */
  retries: number;
  /**
   * Queries that finally failed with a database error. Excludes acquire/query
   * timeouts (counted above) and business outcomes thrown inside a transaction.
   */
  errors: number;
  /** Attempts the caller stopped waiting for at their deadline; each kept its slot until it really settled. */
  abandoned: number;
  /** Time callers waited for a slot (only successful acquisitions; 0 when a slot was free), over a recent window. */
  acquireWaitMs: { p50: number | null; p99: number | null };
  /** Duration of attempts until they really settled (abandoned ones included once they do), over a recent window. */
  queryMs: LatencyPercentiles;
  /** The adaptive limit of queries at once (ADAPTIVE_LIMITS): `idle` counts up to it, not up to `max`. */
  limit?: ConcurrencyLimitView;
}

/** The query pool's status word: degraded (timeouts/errors last interval) > saturated (waits or >= 90 % busy) > healthy. */
export const PoolStatus = { healthy: 'healthy', saturated: 'saturated', degraded: 'degraded' } as const;
export type PoolStatus = (typeof PoolStatus)[keyof typeof PoolStatus];
