import type { LogFields, Severity } from './logger.js';

/** Where a throttled line goes (logEvent, or a test's recorder). */
export type LogSink = (event: string, fields: LogFields, severity: Severity) => void;

/** Keys remembered at most; past this the oldest windows are forgotten (their next event logs at once). */
const MAX_KEYS = 1000;

/**
 * At most one log line per key and interval, for events that come in floods
 * (refusals of unauthenticated traffic): the first event of a key is logged
 * at once; later ones within `intervalMs` of that line are only counted, and
 * the next line (the first event after the interval) carries `count`, the
 * events since the previous line, itself included. One line per interval, not
 * one line (and one log shipment) per refused request.
 */
export class ThrottledLog {
  private readonly windows = new Map<string, { loggedAt: number; pending: number }>();
  /** Lines written so far: a caller compares it around a call to learn whether that call logged. */
  lines = 0;

  constructor(
    private readonly sink: LogSink,
    readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs `event` (with `count` and `intervalMs`) unless `key` was logged within the interval; true when a line was written. */
  record(key: string, event: string, fields: LogFields, severity: Severity): boolean {
    const at = this.now();
    const window = this.windows.get(key);
    if (window && at - window.loggedAt < this.intervalMs) {
      window.pending++;
      return false;
    }
    const count = (window?.pending ?? 0) + 1;
    this.windows.delete(key);
    if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(key, { loggedAt: at, pending: 0 });
    this.lines++;
    this.sink(event, { ...fields, count, intervalMs: this.intervalMs }, severity);
    return true;
  }
}
