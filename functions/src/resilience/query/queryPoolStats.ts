import { PoolStatus, type DbPoolNumbers } from './queryPoolTypes.js';

/**
 * Snapshot of a {@link QueryPool}: the published numbers (each defined in
 * queryPoolTypes.ts) plus two the pool keeps for its status word.
 */
export interface PoolStats extends DbPoolNumbers {
  /** Callers that found no free slot and had to queue (whether or not they got one later). */
  queued: number;
  /** Highest `active` since the last `intervalStats()` call (since creation before the first). */
  peakActive: number;
}

/** Two consecutive snapshots delimiting one reporting interval. */
export interface PoolInterval {
  /** Snapshot taken now; its `peakActive` covers the interval that just ended. */
  current: PoolStats;
  /** Snapshot from the previous `intervalStats()` call; undefined on the first call. */
  previous: PoolStats | undefined;
}

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
    return PoolStatus.degraded;
  }
  // Integer arithmetic: 0.9 * max is not exact in floating point.
  const busiest = Math.max(stats.active, stats.peakActive);
  if (stats.pending > 0 || delta('queued') > 0 || busiest * 100 >= stats.max * SATURATION_PERCENT) {
    return PoolStatus.saturated;
  }
  return PoolStatus.healthy;
}
