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
 */
export class RollingWindow {
  /** Bounds memory under a flood of calls; the oldest outcomes go first. */
  private static readonly MAX_OUTCOMES = 10_000;
  private outcomes: { at: number; failed: boolean }[] = [];
  private gen = 0;

  constructor(private readonly windowMs: number) {}

  /** Generation whose outcomes are being counted. */
  get generation(): number {
    return this.gen;
  }

  /** Counts one outcome of a call that started in `generation`; dropped when that is not the current one. */
  record(generation: number, failed: boolean, at: number): void {
    if (generation !== this.gen) return;
    this.outcomes.push({ at, failed });
    if (this.outcomes.length > RollingWindow.MAX_OUTCOMES) this.outcomes.shift();
  }

  /** Drops every outcome and counts `generation` from now on. */
  clear(generation: number): void {
    this.gen = generation;
    this.outcomes = [];
  }

  /** Counts over `(now - windowMs, now]`. */
  stats(now: number): WindowStats {
    const cutoff = now - this.windowMs;
    const firstLive = this.outcomes.findIndex((o) => o.at > cutoff);
    this.outcomes = firstLive < 0 ? [] : this.outcomes.slice(firstLive);
    const calls = this.outcomes.length;
    const failures = this.outcomes.filter((o) => o.failed).length;
    let trailing = 0;
    while (trailing < calls && this.outcomes[calls - 1 - trailing]!.failed) trailing++;
    return { calls, failures, failureRate: calls === 0 ? 0 : Math.round((failures / calls) * 10_000) / 100, consecutiveFailures: trailing };
  }
}
