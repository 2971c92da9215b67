import { monitorEventLoopDelay, performance, type ELDHistogram } from 'node:perf_hooks';

/**
 * Watches this process's event loop while one request runs (Node's
 * event-loop delay monitor), so a timeout can be told apart: a loop that
 * stalled for a large part of the deadline means the response may have sat
 * unread in the socket — the instance's own trouble, not the remote service's.
 * The monitor's timer runs only while a watch is open (inside a call).
 */
export class StallWatch {
  private readonly histogram: ELDHistogram;
  private readonly startedAt = performance.now();

  private constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
  }

  /** Starts watching. */
  static start(): StallWatch {
    return new StallWatch();
  }

  /**
   * Stops watching; the longest event-loop stall seen, ms. `deadlineMs` is the
   * deadline whose timer just fired, if one did: how late it fired is a stall
   * too, and is known even before the monitor's own timer has recorded it.
   */
  stop(deadlineMs?: number): number {
    this.histogram.disable();
    const late = deadlineMs === undefined ? 0 : performance.now() - this.startedAt - deadlineMs;
    return Math.max(this.histogram.max / 1e6, late);
  }
}

/** Share of an attempt's deadline a single event-loop stall must reach to count as the instance's own fault. */
export const STALL_SHARE = 0.5;
