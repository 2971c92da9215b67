/** Latency percentiles over a recent window, in milliseconds (null when no samples). */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Keeps the latency samples of a recent time window (bounded in count) and
 * answers percentiles over them. Old samples are pruned by age on every read
 * and write, so an idle service reports no stale numbers.
 */
export class LatencyWindow {
  private readonly samples: { at: number; ms: number }[] = [];

  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly maxSamples = 2048,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one duration. */
  record(ms: number): void {
    this.samples.push({ at: this.now(), ms });
    if (this.samples.length > this.maxSamples) this.samples.shift();
  }

  /** Number of samples currently in the window. */
  get count(): number {
    this.prune();
    return this.samples.length;
  }

  /** Nearest-rank percentiles over the window. */
  percentiles(): LatencyPercentiles {
    this.prune();
    if (this.samples.length === 0) return { p50: null, p95: null, p99: null };
    const sorted = this.samples.map((s) => s.ms).sort((a, b) => a - b);
    return { p50: rank(sorted, 50), p95: rank(sorted, 95), p99: rank(sorted, 99) };
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.at < cutoff) drop++;
    if (drop > 0) this.samples.splice(0, drop);
  }
}

/** Nearest-rank percentile of an ascending array (non-empty). */
export function rank(sorted: readonly number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[idx]! * 100) / 100;
}
