import type { LimitChange, LimitChangeReason } from './limitTypes.js';

/** Settings of an {@link AdaptiveLimit}; only the bounds are required. */
export interface AdaptiveLimitOptions {
  /** Lowest limit (at least 1). */
  min: number;
  /** Highest limit: the cap (sockets, slots). A healthy service stays here. */
  max: number;
  /** Multiplicative decrease on a drop (a 429 or a timeout); default 0.9 (Netflix AIMDLimit's backoffRatio). */
  backoffRatio?: number;
  /** How far recent latency may rise above its long-term baseline before the limit falls; default 1.5 (Gradient2's). */
  tolerance?: number;
  /** Share of a new estimate taken into the limit per sample; default 0.2 (Gradient2's smoothing). */
  smoothing?: number;
  /** Recent changes kept for the stats; default 10. */
  keepChanges?: number;
  now?: () => number;
  /** Called on every change of the integer limit (logging and metrics subscribe). */
  onChange?: (change: LimitChange) => void;
}

/** One completed request as the limit learns from it. */
export interface LimitSample {
  /** Time from sending to the answer (or the deadline), ms. Never the time spent waiting for a slot. */
  latencyMs: number;
  /** Requests in flight when it was sent (itself included). */
  inFlight: number;
  /** `dropped`: the service said "too much" (429) or did not answer in time; `ok`: any other answer. */
  outcome: 'ok' | 'dropped';
}

/** Smoothing factors of the short- and long-term latency averages (about 4 and 200 samples). */
const SHORT_ALPHA = 0.25;
const LONG_ALPHA = 0.005;

/**
 * A concurrency limit that moves between `min` and `max` from measured latency
 * and drops, after Netflix's concurrency-limits (no maintained npm port of it
 * exists; this is the small part we need):
 * - Gradient2 on every answer: the limit follows `limit × gradient + √limit`,
 *   where `gradient = clamp(tolerance × longRtt / shortRtt, 0.5, 1)`, smoothed.
 *   While latency is near its baseline the gradient is 1 and the limit grows
 *   (to `max`); when recent latency climbs past `tolerance` × the baseline it falls.
 * - AIMD on drops: a 429 or a timeout multiplies the limit by `backoffRatio`.
 * The limit does not grow while fewer than half of it are in use (nothing was
 * learned about more concurrency), and the long-term baseline decays toward
 * recent latency once that is much lower, so the limit recovers after a slowdown.
 */
export class AdaptiveLimit {
  readonly min: number;
  readonly max: number;
  private estimate: number;
  private shortRtt: number | null = null;
  private longRtt: number | null = null;
  private readonly changes: LimitChange[] = [];
  private changeCount = 0;
  private readonly backoffRatio: number;
  private readonly tolerance: number;
  private readonly smoothing: number;
  private readonly keep: number;
  private readonly now: () => number;

  constructor(private readonly options: AdaptiveLimitOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError('max must be a positive integer');
    this.max = options.max;
    this.min = Math.min(this.max, Math.max(1, Math.floor(options.min)));
    this.estimate = this.max;
    this.backoffRatio = options.backoffRatio ?? 0.9;
    this.tolerance = options.tolerance ?? 1.5;
    this.smoothing = options.smoothing ?? 0.2;
    this.keep = options.keepChanges ?? 10;
    this.now = options.now ?? Date.now;
  }

  /** The limit in force: a whole number from min to max. */
  get limit(): number {
    return Math.min(this.max, Math.max(this.min, Math.floor(this.estimate)));
  }

  /** Recent changes, oldest first, and how many there were in all. */
  history(): { recent: LimitChange[]; total: number } {
    return { recent: [...this.changes], total: this.changeCount };
  }

  /** Recent latency (ms, short-term average), or null before the first sample. */
  recentMs(): number | null {
    return this.shortRtt;
  }

  /** Long-term latency baseline (ms), or null before the first sample. */
  baselineMs(): number | null {
    return this.longRtt;
  }

  /** Learns from one completed request. */
  record(sample: LimitSample): void {
    const before = this.limit;
    const rtt = Math.max(0.1, sample.latencyMs);
    this.shortRtt = this.shortRtt === null ? rtt : this.shortRtt + SHORT_ALPHA * (rtt - this.shortRtt);
    this.longRtt = this.longRtt === null ? rtt : this.longRtt + LONG_ALPHA * (rtt - this.longRtt);
    // After a slowdown the baseline is too high; pull it down faster so the limit can recover.
    if (this.longRtt > 2 * this.shortRtt) this.longRtt = 0.9 * this.longRtt + 0.1 * this.shortRtt;
    let reason: LimitChangeReason;
    if (sample.outcome === 'dropped') {
      this.estimate = Math.max(this.min, this.estimate * this.backoffRatio);
      reason = 'dropped';
    } else {
      const gradient = Math.min(1, Math.max(0.5, (this.tolerance * this.longRtt) / this.shortRtt));
      const appLimited = sample.inFlight < this.estimate / 2;
      if (gradient >= 1 && appLimited) return;
      const target = this.estimate * gradient + Math.sqrt(this.estimate);
      const next = (1 - this.smoothing) * this.estimate + this.smoothing * target;
      this.estimate = Math.min(this.max, Math.max(this.min, next));
      reason = gradient < 1 ? 'latency' : 'recovered';
    }
    const after = this.limit;
    if (after === before) return;
    const change: LimitChange = { at: this.now(), from: before, to: after, reason };
    this.changeCount++;
    this.changes.push(change);
    if (this.changes.length > this.keep) this.changes.shift();
    this.options.onChange?.(change);
  }
}
