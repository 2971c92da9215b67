/**
 * Latency percentiles as the recent-window recorder reports them.
 * Import-free (type imports only): the admin SPA bundles it through api/.
 */

/** Latency percentiles in milliseconds. */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}
