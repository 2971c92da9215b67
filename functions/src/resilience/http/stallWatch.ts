import { performance } from 'node:perf_hooks';

/** Shortest and longest period of the process's stall monitor, ms: how often the event loop is asked to run a tick. */
const TICK_MIN_MS = 20;
const TICK_MAX_MS = 250;

/** Share of an attempt's deadline a single event-loop stall must reach to count as the instance's own fault. */
export const STALL_SHARE = 0.5;

/** Ticks per shortest stall a watch must see (its deadline's {@link STALL_SHARE}): enough to size that stall. */
const TICKS_PER_STALL = 5;

/**
 * The monitor's period for a watch of a deadline of `deadlineMs`: a stall
 * matters once it reaches half the deadline, so a tick a fifth of that is
 * enough; no deadline (or a short one) gets the shortest period.
 */
function periodFor(deadlineMs: number | undefined): number {
  if (deadlineMs === undefined) return TICK_MIN_MS;
  return Math.min(TICK_MAX_MS, Math.max(TICK_MIN_MS, (deadlineMs * STALL_SHARE) / TICKS_PER_STALL));
}

/**
 * The one event-loop monitor of the process: a timer that should fire every
 * `period` ms; how late a tick comes is how long the loop stalled before
 * it. Each tick charges that stall to the watches open at the time. The timer
 * runs while watches are open and stops at the first tick that finds none, so
 * a steady stream of calls keeps one timer instead of making one per call.
 * Its period is the shortest any open watch needs (periodFor): provider
 * deadlines of seconds need a few ticks a second, not fifty, so a process
 * with calls in flight wakes far less often. Unref'd: it never keeps the
 * process alive.
 */
const monitor = {
  open: new Set<StallWatch>(),
  timer: undefined as NodeJS.Timeout | undefined,
  period: TICK_MIN_MS,
  lastTick: 0,

  add(watch: StallWatch, period: number): void {
    this.open.add(watch);
    if (this.timer !== undefined && period >= this.period) return;
    if (this.timer !== undefined) {
      // A shorter period than the running one: charge what the old one saw so far, then tick faster.
      this.tick();
      clearInterval(this.timer);
    } else this.lastTick = performance.now();
    this.period = period;
    this.timer = setInterval(() => this.tick(), period);
    this.timer.unref();
  },

  tick(): void {
    const now = performance.now();
    const late = now - this.lastTick - this.period;
    this.lastTick = now;
    if (late > 0) for (const watch of this.open) watch.stalled(late, now);
    if (this.open.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  },

  /** The stall in progress as of `now`: how overdue the next tick is. */
  pending(now: number): number {
    return this.timer === undefined ? 0 : now - this.lastTick - this.period;
  },
};

/**
 * Watches this process's event loop while one request runs, so a timeout can
 * be told apart: a loop that stalled for a large part of the deadline means
 * the response may have sat unread in the socket — the instance's own
 * trouble, not the remote service's. All watches share one monitor timer for
 * the process (see `monitor` above), so a watch costs a set entry, not a timer.
 */
export class StallWatch {
  private readonly startedAt = performance.now();
  private maxStallMs = 0;

  private constructor(deadlineMs: number | undefined) {
    monitor.add(this, periodFor(deadlineMs));
  }

  /** Starts watching a request whose deadline is `deadlineMs` (it sets how often the monitor ticks). */
  static start(deadlineMs?: number): StallWatch {
    return new StallWatch(deadlineMs);
  }

  /**
   * A stall of `ms` that ended at `now`, as the monitor saw it; only the part
   * after this watch started is this watch's (the code that started it may
   * itself have been the stall).
   */
  stalled(ms: number, now: number): void {
    this.maxStallMs = Math.max(this.maxStallMs, Math.min(ms, now - this.startedAt));
  }

  /**
   * Stops watching; the longest event-loop stall seen, ms. `deadlineMs` is the
   * deadline whose timer just fired, if one did: how late it fired is a stall
   * too, and is known even before the monitor's own timer has recorded it.
   */
  stop(deadlineMs?: number): number {
    monitor.open.delete(this);
    const now = performance.now();
    this.stalled(monitor.pending(now), now);
    const late = deadlineMs === undefined ? 0 : now - this.startedAt - deadlineMs;
    return Math.max(this.maxStallMs, late);
  }
}
