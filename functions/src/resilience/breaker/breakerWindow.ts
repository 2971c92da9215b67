import { TimedRing } from '../window/timedRing.js';

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

/**
 * This instance's breaker outcomes over the last `windowMs`, for one fleet generation.
 *
 * Not cockatiel's SamplingBreaker, although it has threshold/duration/minimumRps:
 * it rotates only one bucket per call, so failures from before an idle gap still
 * count minutes later (checked against cockatiel 4: 4 failures, 2 min idle, 1
 * failure -> opens); it opens on "> threshold" (so no 100 %); and it knows no
 * generation, which is how windows from before a fleet-wide close/reset are dropped.
 *
 * Kept in a TimedRing (call times and failed flags) with running counts of failures and of the trailing failure streak, so `record`
 * is O(1) on the success hot path and `stats` only walks the outcomes that
 * left the window since the previous call.
 */
export class RollingWindow {
  /** Bounds memory under a flood of calls; the oldest outcomes go first. */
  private static readonly MAX_OUTCOMES = 10_000;
  /** Call times with 1 (failed) or 0 (succeeded). */
  private readonly outcomes = new TimedRing(RollingWindow.MAX_OUTCOMES);
  /** Failed outcomes among those kept. */
  private failures = 0;
  /** Failures recorded in a row since the last success (may exceed the outcomes kept after evictions). */
  private streak = 0;
  private gen = 0;
  private readonly forget = (failed: number): void => {
    this.failures -= failed;
  };

  constructor(private readonly windowMs: number) {}

  /** Generation whose outcomes are being counted. */
  get generation(): number {
    return this.gen;
  }

  /** Counts one outcome of a call that started in `generation`; dropped when that is not the current one. */
  record(generation: number, failed: boolean, at: number): void {
    if (generation !== this.gen) return;
    const evicted = this.outcomes.push(at, failed ? 1 : 0);
    if (evicted !== undefined) this.forget(evicted);
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
    this.outcomes.clear();
    this.failures = 0;
    this.streak = 0;
  }

  /** Counts over `(now - windowMs, now]`. */
  stats(now: number): WindowStats {
    const cutoff = now - this.windowMs;
    this.outcomes.dropWhile((at) => at <= cutoff, this.forget);
    const calls = this.outcomes.size;
    const failures = this.failures;
    // The streak is made of the newest outcomes, so the ones still kept are its tail.
    const consecutiveFailures = Math.min(this.streak, calls);
    return {
      calls,
      failures,
      failureRate: calls === 0 ? 0 : Math.round((failures / calls) * 10_000) / 100,
      consecutiveFailures,
    };
  }
}
