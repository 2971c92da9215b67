import { performance } from 'node:perf_hooks';

/** Period of the process's stall monitor, ms: how often the event loop is asked to run a tick. */
const TICK_MS = 20;

/**
 * The one event-loop monitor of the process: a timer that should fire every
 * {@link TICK_MS}; how late a tick comes is how long the loop stalled before
 * it. Each tick charges that stall to the watches open at the time. The timer
 * runs while watches are open and stops at the first tick that finds none, so
 * a steady stream of calls keeps one timer instead of making one per call.
 * Unref'd: it never keeps the process alive.
 */
const monitor = {
  open: new Set<StallWatch>(),
  timer: undefined as NodeJS.Timeout | undefined,
  lastTick: 0,

  add(watch: StallWatch): void {
    this.open.add(watch);
    if (this.timer !== undefined) return;
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  },

  tick(): void {
    const now = performance.now();
    const late = now - this.lastTick - TICK_MS;
    this.lastTick = now;
    if (late > 0) for (const watch of this.open) watch.stalled(late, now);
    if (this.open.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  },

  /** The stall in progress as of `now`: how overdue the next tick is. */
  pending(now: number): number {
    return this.timer === undefined ? 0 : now - this.lastTick - TICK_MS;
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

  private constructor() {
    monitor.add(this);
  }

  /** Starts watching. */
  static start(): StallWatch {
    return new StallWatch();
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

/** Share of an attempt's deadline a single event-loop stall must reach to count as the instance's own fault. */
export const STALL_SHARE = 0.5;
