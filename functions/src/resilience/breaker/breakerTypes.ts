/**
 * Circuit breaker states and the view of one breaker.
 * Import-free (type imports only): the admin SPA bundles it through api/.
 */

/** Circuit breaker states. */
export const BreakerState = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

/** Breaker state of a service, fleet-wide. */
export interface BreakerView {
  state: BreakerState;
  /** Failure rate (0..1) of the window that last opened the breaker; 0 after close/reset. */
  failureRate: number;
  /** Calls in that window. */
  calls: number;
  /** When the breaker last opened; null while closed. */
  openedAt: number | null;
  /** From when a probe may run; null while closed. */
  nextProbeAt: number | null;
}

/** Local view of one breaker, as of its last sync with the store. */
export interface BreakerSnapshot {
  /** Fleet state as this instance last saw it. */
  state: BreakerState;
  /** Failure rate in percent (0..100) of the window that last opened the breaker; 0 after close/reset. */
  failureRate: number;
  /** Calls in that window. */
  calls: number;
  /** Epoch ms the breaker last opened; null while closed. */
  openedAt: number | null;
  /** Epoch ms from which a probe may run; null while closed. */
  nextProbeAt: number | null;
  /** Fleet generation (bumped by every close and reset). */
  generation: number;
  /** Epoch ms of the last successful read or write of the store; null before the first. */
  syncedAt: number | null;
  /** Calls this instance made in its current window. */
  windowCalls: number;
  /** Failure rate in percent of this instance's current window (0 when empty). */
  windowFailureRate: number;
}
