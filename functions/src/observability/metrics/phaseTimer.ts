/**
 * Durations of the phases of one call, measured with `performance.now()` and
 * kept in the call's own timer (passed along explicitly, never global). No
 * timers and no background work: every value is taken inside the call, since
 * Cloud Functions throttles CPU after the response.
 */

/** Phase durations in ms: a summed phase has one number, a repeated one (`addEach`) one number per run. */
export type PhasesMs = Record<string, number | number[]>;

/** Values are kept to 0.1 ms: finer digits are noise at this scale and only lengthen the log line. */
export const roundMs = (ms: number) => Math.round(ms * 10) / 10;

/** Measures the phases of one call; a phase that never ran is absent from `snapshot()`. */
export class PhaseTimer {
  private readonly summed = new Map<string, number>();
  private readonly each = new Map<string, number[]>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts a measurement; the returned function gives the ms elapsed since (it may be read more than once). */
  start(): () => number {
    const t0 = this.now();
    return () => this.now() - t0;
  }

  /** Adds `ms` to `phase` (a phase that runs more than once in a call is summed). */
  add(phase: string, ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.summed.set(phase, (this.summed.get(phase) ?? 0) + Math.max(0, ms));
  }

  /** Keeps `ms` as one more run of `phase` (e.g. one provider attempt each). */
  addEach(phase: string, ms: number): void {
    if (!Number.isFinite(ms)) return;
    const runs = this.each.get(phase) ?? [];
    runs.push(Math.max(0, ms));
    this.each.set(phase, runs);
  }

  /** Runs `fn` and adds its duration to `phase`, also when it throws. */
  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const elapsed = this.start();
    try {
      return await fn();
    } finally {
      this.add(phase, elapsed());
    }
  }

  /** The phases measured so far, in the order they first ran, rounded to 0.1 ms. */
  snapshot(): PhasesMs {
    const out: PhasesMs = {};
    for (const [phase, ms] of this.summed) out[phase] = roundMs(ms);
    for (const [phase, runs] of this.each) out[phase] = runs.map(roundMs);
    return out;
  }

  /** Whether any phase was measured. */
  get empty(): boolean {
    return this.summed.size === 0 && this.each.size === 0;
  }
}
