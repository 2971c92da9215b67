import { TimedRing } from './timedRing.js';

import type { LatencyPercentiles } from './latencyTypes.js';

/** Latency percentiles over a recent window, in milliseconds (null when no samples). */
export type { LatencyPercentiles };

/**
 * Keeps the latency samples of a recent time window (bounded in count) and
 * answers percentiles over them. Old samples are pruned by age on every read,
 * so an idle service reports no stale numbers.
 *
 * Stored in a TimedRing (time, duration): `record` is
 * O(1) and allocates nothing once the buffer has grown, where an array of
 * objects with `shift()` on overflow cost an allocation and, past V8's
 * left-trimming limits, a copy of the whole window on every call.
 */
export class LatencyWindow {
  private readonly samples: TimedRing;

  constructor(
    private readonly windowMs = 5 * 60_000,
    maxSamples = 2048,
    private readonly now: () => number = Date.now,
  ) {
    this.samples = new TimedRing(Math.max(0, Math.floor(maxSamples)));
  }

  /** Records one duration; the oldest sample goes once maxSamples are kept. */
  record(ms: number): void {
    this.samples.push(this.now(), ms);
  }

  /** Number of samples currently in the window. */
  get count(): number {
    this.prune();
    return this.samples.size;
  }

  /** Nearest-rank percentiles over the window. */
  percentiles(): LatencyPercentiles {
    this.prune();
    if (this.samples.size === 0) return { p50: null, p95: null, p99: null };
    // A typed array sorts numerically (no comparator needed).
    const sorted = this.samples.values().sort();
    return { p50: rank(sorted, 50), p95: rank(sorted, 95), p99: rank(sorted, 99) };
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    this.samples.dropWhile((at) => at < cutoff);
  }
}

/** Nearest-rank percentile of an ascending array (non-empty). */
export function rank(sorted: ArrayLike<number>, p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[idx]! * 100) / 100;
}
