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
