/**
 * Pools on the wire: `getDatabasePoolStatus`, and the per-service view of `getConnectionPoolStats`.
 * The mechanisms' own numbers are defined beside them in resilience/ and re-exported here.
 * Part of the callables' contract (see api/index.ts): import-free, the SPA bundles it.
 */

export type { EjectionView } from '../resilience/endpoints/endpointTypes.js';
export type { HealthView, HttpPoolNumbers } from '../resilience/http/httpTypes.js';
export { LimitChangeReason, type ConcurrencyLimitView, type LimitChange } from '../resilience/limit/limitTypes.js';
export { PoolStatus, type DbPoolNumbers } from '../resilience/query/queryPoolTypes.js';
export type { LatencyPercentiles } from '../resilience/window/latencyTypes.js';

import type { BreakerView } from '../resilience/breaker/breakerTypes.js';
import type { EjectionView } from '../resilience/endpoints/endpointTypes.js';
import type { HealthView, HttpPoolNumbers } from '../resilience/http/httpTypes.js';
import type { ConcurrencyLimitView } from '../resilience/limit/limitTypes.js';
import type { DbPoolNumbers, PoolStatus } from '../resilience/query/queryPoolTypes.js';
import type { LatencyPercentiles } from '../resilience/window/latencyTypes.js';

/** Who reported a per-instance entry, and when. */
export interface InstanceIdentity {
  instanceId: string;
  /** The function (service) the instance runs. */
  function: string;
  updatedAt: number;
}

/** Answer of `getDatabasePoolStatus`. */
export interface DatabasePoolStatus {
  status: PoolStatus;
  at: number;
  fleet: DbPoolNumbers;
  instances: (DbPoolNumbers & InstanceIdentity)[];
}

/** One base URL of a service with several (PAYMENT_SERVICE_URL lists them). */
export interface EndpointStats {
  /** `host[:port][/path]` of the base URL: no scheme, credentials or query. */
  endpoint: string;
  pool: HttpPoolNumbers;
  /** Requests sent to it and not yet answered. */
  outstanding: number;
  latencyMs: LatencyPercentiles;
  ejection: EjectionView;
  health: HealthView;
}

/** One downstream service as one instance sees it, or summed over the fleet. */
export interface ServiceStats {
  breaker: BreakerView;
  /** Null until this instance (or, fleet-wide, any live instance) has a pool for the service. */
  pool: HttpPoolNumbers | null;
  latencyMs: LatencyPercentiles;
  health: HealthView;
  /** Services with several endpoints only: each one's pool, load and ejection state (fleet: summed per endpoint). */
  endpoints?: EndpointStats[];
  /** Services with an adaptive concurrency limit only (payment-service). */
  limit?: ConcurrencyLimitView;
}

/**
 * The fleet-wide concurrency budget toward the payment provider and how much
 * of it is used. Every instance's provider pool is capped at `capPerInstance`,
 * so `maxInstances` instances together stay within `budget`.
 */
export interface ProviderConcurrency {
  /** Most requests in flight to the provider across the fleet (PAYMENT_PROVIDER_MAX_CONCURRENCY). */
  budget: number;
  /** processPayment instances the budget is shared by (PAYMENT_MAX_INSTANCES). */
  maxInstances: number;
  /** Requests one instance may have in flight to the provider: min(VUE_APP_MAX_CONNECTIONS, floor(budget / maxInstances)). */
  capPerInstance: number;
  /** Requests in flight to the provider now, over live instances; null when no live instance has a provider pool. */
  inFlight: number | null;
  /**
   * Sum of the live instances' peaks of requests in flight to the provider (an
   * upper bound of the fleet's peak: the instances may have peaked at
   * different times); null when no live instance has a provider pool.
   */
  peakInFlight: number | null;
}
