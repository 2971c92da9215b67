/**
 * Delays a dev server injects (latency faults, late answers), tracked so
 * close() can cancel them; unref'd so a forgotten one never holds the process open.
 */
export type Delays = {
  /** Resolves after `ms` (at once for ms <= 0), unless cancelled first (then never). */
  delay: (ms: number) => Promise<void>;
  /** Cancels every pending delay. */
  cancelAll: () => void;
  /** Delays pending now. */
  readonly pending: number;
};

/** A fresh set of tracked delays. */
export function trackedDelays(): Delays {
  const timers = new Set<NodeJS.Timeout>();
  return {
    delay: (ms) =>
      new Promise<void>((resolve) => {
        if (ms <= 0) return resolve();
        const timer = setTimeout(() => (timers.delete(timer), resolve()), ms).unref();
        timers.add(timer);
      }),
    cancelAll: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    get pending() {
      return timers.size;
    },
  };
}
