/**
 * Runs an operation at most once per `minIntervalMs`: a call while a run is
 * in flight, or within the interval after it started, gets that run's result
 * (or failure). For checks that callers can trigger at will (an admin's
 * "check now"), so their rate cannot drive the traffic the check sends.
 */
export class SharedResult<T> {
  private last: { startedAt: number; result: Promise<T> } | null = null;

  constructor(
    private readonly run: () => Promise<T>,
    readonly minIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current run's result, starting a new run when the last one started at least `minIntervalMs` ago. */
  get(): Promise<T> {
    const at = this.now();
    if (this.last && at - this.last.startedAt < this.minIntervalMs) return this.last.result;
    const result = this.run();
    // Failures are shared too; this keeps a failure nobody else awaits from being reported as unhandled.
    result.catch(() => undefined);
    this.last = { startedAt: at, result };
    return result;
  }
}
