/** Counts of a {@link RollingWindow}. */
export interface WindowStats {
  /** Calls (successes + failures) in the window. */
  calls: number;
  /** Failed calls in the window. */
  failures: number;
  /** failures / calls in percent, rounded to 2 decimals (0 when empty). */
  failureRate: number;
  /** The latest calls of the window that failed in a row (since its last success). */
  consecutiveFailures: number;
}

/** First capacity of the ring buffer; it doubles up to MAX_OUTCOMES as calls arrive. */
const INITIAL_CAPACITY = 64;

/**
 * This instance's breaker outcomes over the last `windowMs`, for one fleet generation.
 *
 * Not cockatiel's SamplingBreaker, although it has threshold/duration/minimumRps:
 * it rotates only one bucket per call, so failures from before an idle gap still
 * count minutes later (checked against cockatiel 4: 4 failures, 2 min idle, 1
 * failure -> opens); it opens on "> threshold" (so no 100 %); and it knows no
 * generation, which is how windows from before a fleet-wide close/reset are dropped.
 *
 * Kept as a ring buffer (call times and failed flags in typed arrays) with
 * running counts of failures and of the trailing failure streak, so `record`
 * is O(1) on the success hot path and `stats` only walks the outcomes that
 * left the window since the previous call.
 */
export class RollingWindow {
  /** Bounds memory under a flood of calls; the oldest outcomes go first. */
  private static readonly MAX_OUTCOMES = 10_000;
  private at = new Float64Array(INITIAL_CAPACITY);
  private failed = new Uint8Array(INITIAL_CAPACITY);
  /** Index of the oldest outcome. */
  private head = 0;
  private size = 0;
  /** Failed outcomes among the `size` kept. */
  private failures = 0;
  /** Failures recorded in a row since the last success (may exceed `size` after evictions). */
  private streak = 0;
  private gen = 0;

  constructor(private readonly windowMs: number) {}

  /** Generation whose outcomes are being counted. */
  get generation(): number {
    return this.gen;
  }

  /** Counts one outcome of a call that started in `generation`; dropped when that is not the current one. */
  record(generation: number, failed: boolean, at: number): void {
    if (generation !== this.gen) return;
    if (this.size === this.at.length && this.size < RollingWindow.MAX_OUTCOMES) this.grow();
    const capacity = this.at.length;
    let slot: number;
    if (this.size < capacity) {
      slot = (this.head + this.size) % capacity;
      this.size++;
    } else {
      slot = this.head;
      this.failures -= this.failed[slot]!;
      this.head = (this.head + 1) % capacity;
    }
    this.at[slot] = at;
    this.failed[slot] = failed ? 1 : 0;
    if (failed) {
      this.failures++;
      this.streak++;
    } else {
      this.streak = 0;
    }
  }

  /** Drops every outcome and counts `generation` from now on. */
  clear(generation: number): void {
    this.gen = generation;
    this.head = 0;
    this.size = 0;
    this.failures = 0;
    this.streak = 0;
  }

  /** Counts over `(now - windowMs, now]`. */
  stats(now: number): WindowStats {
    const cutoff = now - this.windowMs;
    const capacity = this.at.length;
    while (this.size > 0 && this.at[this.head]! <= cutoff) {
      this.failures -= this.failed[this.head]!;
      this.head = (this.head + 1) % capacity;
      this.size--;
    }
    const calls = this.size;
    const failures = this.failures;
    // The streak is made of the newest outcomes, so the ones still kept are its tail.
    const consecutiveFailures = Math.min(this.streak, calls);
    return { calls, failures, failureRate: calls === 0 ? 0 : Math.round((failures / calls) * 10_000) / 100, consecutiveFailures };
  }

  /** Doubles the capacity (up to MAX_OUTCOMES), moving the outcomes to the front in order. */
  private grow(): void {
    const capacity = Math.min(RollingWindow.MAX_OUTCOMES, this.at.length * 2);
    const at = new Float64Array(capacity);
    const failed = new Uint8Array(capacity);
    const old = this.at.length;
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % old;
      at[i] = this.at[j]!;
      failed[i] = this.failed[j]!;
    }
    this.at = at;
    this.failed = failed;
    this.head = 0;
  }
}
