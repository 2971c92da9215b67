/**
 * Circuit breakers on the wire: their states and views (owned by resilience/breaker), and `resetCircuitBreakers`.
 * Part of the callables' contract (see api/index.ts): import-free, the SPA bundles it.
 */

export { BreakerState, type BreakerView } from '../resilience/breaker/breakerTypes.js';

/** Answer of `resetCircuitBreakers`. */
export interface ResetBreakersResult {
  reset: string[];
  at: number;
}
