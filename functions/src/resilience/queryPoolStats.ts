import type { LatencyPercentiles } from './latency.js';

/**
 * Snapshot of a {@link QueryPool}, named after HikariCP's pool metrics.
 * Counters are cumulative since the pool was created; gauges are "now".
 */
export interface PoolStats {
  /** Most queries allowed to run at once (HikariCP maximumPoolSize; VUE_APP_MAX_CONNECTIONS). */
  max: number;
  /** Slots held right now, including slots still held by timed-out (abandoned) queries. */
  active: number;
  /** Free slots right now: `max - active`. */
  idle: number;
  /** Callers waiting for a slot right now (HikariCP pendingThreads). */
  pending: number;
  /** Slots handed out so far; one per attempt, so a retried query counts once per attempt. */
  acquired: number;
  /** Callers that gave up after waiting acquireTimeoutMs for a slot (DB_POOL_EXHAUSTED). */
  acquireTimeouts: number;
  /** Attempts that passed their deadline (DB_QUERY_TIMEOUT). */
  queryTimeouts: number;
  /** Extra attempts made after a transient error (attempts beyond the first). */
  retries: number;
  /**
   * Queries that finally failed with a database error (DB_QUERY_FAILED). Excludes
   * acquire/query timeouts (counted above) and AppErrors thrown by the query
   * function itself (business outcomes such as a failed precondition in a transaction).
   */
  errors: number;
  /** Attempts the caller stopped waiting for at their deadline; each kept its slot until it really settled. */
  abandoned: number;
  /** Callers that found no free slot and had to queue (whether or not they got one later). */
  queued: number;
  /** Highest `active` since the last `intervalStats()` call (since creation before the first). */
  peakActive: number;
  /** Time callers waited for a slot (only successful acquisitions; 0 when a slot was free), over a recent window. */
  acquireWaitMs: { p50: number | null; p99: number | null };
  /** Duration of attempts until they really settled (abandoned ones included once they do), over a recent window. */
  queryMs: LatencyPercentiles;
}

/** Two consecutive snapshots delimiting one reporting interval. */
export interface PoolInterval {
  /** Snapshot taken now; its `peakActive` covers the interval that just ended. */
  current: PoolStats;
  /** Snapshot from the previous `intervalStats()` call; undefined on the first call. */
  previous: PoolStats | undefined;
}

/** Health words for the pool, worst last. */
export const POOL_STATUS = {
  healthy: 'healthy',
  saturated: 'saturated',
  degraded: 'degraded',
} as const;

/** One of {@link POOL_STATUS}. */
export type PoolStatus = (typeof POOL_STATUS)[keyof typeof POOL_STATUS];

/** Utilisation (active / max), in percent, from which the pool counts as saturated. */
export const SATURATION_PERCENT = 90;

/**
 * Pure status of the interval between `previous` and `stats` (or of the
 * pool's whole life when `previous` is omitted):
 * - `degraded` when the interval saw acquire timeouts, query timeouts or errors;
 * - else `saturated` when anyone waited for a slot, someone is waiting now, or
 *   utilisation (current or peak active / max) reached {@link SATURATION_PERCENT};
 * - else `healthy`.
 */
export function poolStatus(stats: PoolStats, previous?: PoolStats): PoolStatus {
  const delta = (key: 'acquireTimeouts' | 'queryTimeouts' | 'errors' | 'queued'): number =>
    stats[key] - (previous?.[key] ?? 0);
  if (delta('acquireTimeouts') > 0 || delta('queryTimeouts') > 0 || delta('errors') > 0) {
    return POOL_STATUS.degraded;
  }
  // Integer arithmetic: 0.9 * max is not exact in floating point.
  const busiest = Math.max(stats.active, stats.peakActive);
  if (stats.pending > 0 || delta('queued') > 0 || busiest * 100 >= stats.max * SATURATION_PERCENT) {
    return POOL_STATUS.saturated;
  }
  return POOL_STATUS.healthy;
}
