/** Latency percentiles over a recent window, in milliseconds (null when no samples). */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** First capacity of the ring buffer; it doubles up to maxSamples as samples arrive. */
const INITIAL_CAPACITY = 64;

/**
 * Keeps the latency samples of a recent time window (bounded in count) and
 * answers percentiles over them. Old samples are pruned by age on every read,
 * so an idle service reports no stale numbers.
 *
 * Stored in a ring buffer of two typed arrays (time, duration): `record` is
 * O(1) and allocates nothing once the buffer has grown, where an array of
 * objects with `shift()` on overflow cost an allocation and, past V8's
 * left-trimming limits, a copy of the whole window on every call.
 */
export class LatencyWindow {
  private at: Float64Array;
  private ms: Float64Array;
  /** Index of the oldest sample. */
  private head = 0;
  private size = 0;
  /** Most samples kept (a whole number; 0 keeps none). */
  private readonly maxSamples: number;

  constructor(
    private readonly windowMs = 5 * 60_000,
    maxSamples = 2048,
    private readonly now: () => number = Date.now,
  ) {
    this.maxSamples = Math.max(0, Math.floor(maxSamples));
    const capacity = Math.max(1, Math.min(INITIAL_CAPACITY, this.maxSamples));
    this.at = new Float64Array(capacity);
    this.ms = new Float64Array(capacity);
  }

  /** Records one duration; the oldest sample goes once maxSamples are kept. */
  record(ms: number): void {
    if (this.maxSamples === 0) return;
    if (this.size === this.at.length && this.size < this.maxSamples) this.grow();
    const capacity = this.at.length;
    let slot: number;
    if (this.size < capacity) {
      slot = (this.head + this.size) % capacity;
      this.size++;
    } else {
      slot = this.head;
      this.head = (this.head + 1) % capacity;
    }
    this.at[slot] = this.now();
    this.ms[slot] = ms;
  }

  /** Number of samples currently in the window. */
  get count(): number {
    this.prune();
    return this.size;
  }

  /** Nearest-rank percentiles over the window. */
  percentiles(): LatencyPercentiles {
    this.prune();
    if (this.size === 0) return { p50: null, p95: null, p99: null };
    const sorted = new Float64Array(this.size);
    const capacity = this.at.length;
    for (let i = 0; i < this.size; i++) sorted[i] = this.ms[(this.head + i) % capacity]!;
    // A typed array sorts numerically (no comparator needed).
    sorted.sort();
    return { p50: rank(sorted, 50), p95: rank(sorted, 95), p99: rank(sorted, 99) };
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    const capacity = this.at.length;
    while (this.size > 0 && this.at[this.head]! < cutoff) {
      this.head = (this.head + 1) % capacity;
      this.size--;
    }
  }

  /** Doubles the capacity (up to maxSamples), moving the samples to the front in order. */
  private grow(): void {
    const capacity = Math.min(this.maxSamples, this.at.length * 2);
    const at = new Float64Array(capacity);
    const ms = new Float64Array(capacity);
    const old = this.at.length;
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % old;
      at[i] = this.at[j]!;
      ms[i] = this.ms[j]!;
    }
    this.at = at;
    this.ms = ms;
    this.head = 0;
  }
}

/** Nearest-rank percentile of an ascending array (non-empty). */
export function rank(sorted: ArrayLike<number>, p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[idx]! * 100) / 100;
}
