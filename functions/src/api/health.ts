/**
 * The `health` endpoint's report, shallow and deep.
 * Part of the callables' contract (see api/index.ts): import-free, the SPA bundles it.
 */

import type { BreakerState, BreakerView } from './breakers.js';
import type { LedgerHealth } from './ledger.js';
import type { DbPoolNumbers, HttpPoolNumbers } from './pools.js';
import type { ShipperStats } from './stats.js';

/**
 * States of the `health` endpoint and of each of its components: `ok`;
 * `degraded` (payments are still taken, something needs a look); `down`
 * (payments cannot be taken: the endpoint answers 503).
 */
export const HealthState = { ok: 'ok', degraded: 'degraded', down: 'down' } as const;
export type HealthState = (typeof HealthState)[keyof typeof HealthState];

/** One component of the health report: its state only (the deep view adds the numbers). */
export interface ComponentHealth {
  state: HealthState;
}

/**
 * Body of `GET health` (200 when `status` is not `down`, else 503): states
 * only, nothing secret or internal (no URL, key, uid or error text).
 */
export interface HealthReport {
  status: HealthState;
  /** When the checks behind this report ran (they are reused for a few seconds). */
  checkedAt: number;
  components: {
    /** A Firestore read round trip through the query pool. */
    firestore: ComponentHealth;
    /** The provider's health call; `endpoints` by label (`endpoint-1`, ...) when it has several base URLs. */
    provider: ComponentHealth & { endpoints?: Record<string, ComponentHealth> };
    /** Fleet breaker of each service: `payment-service` open is down, half-open degraded. */
    breakers: Record<string, ComponentHealth & { breaker: BreakerState }>;
    /** The CloudWatch log shipper's health call; `enabled: false` (and ok) when shipping is off. */
    cloudwatch: ComponentHealth & { enabled: boolean };
    /** Reconciliation backlog from the ledger health: degraded when unknown payments wait too long or leases expired. */
    reconciliation: ComponentHealth;
  };
}

/** One timed check of the deep view. */
export interface HealthCheckDetail {
  state: HealthState;
  /** Round trip of the check, ms; null when it got no answer. */
  latencyMs: number | null;
  /** Why it is not ok, in words (never a URL, header or secret). */
  problem?: string;
}

/** Body of `GET health?deep=1` (admins only): the report plus this instance's numbers. */
export interface HealthDeepReport extends HealthReport {
  detail: {
    instance: { instanceId: string; function: string };
    firestore: HealthCheckDetail;
    provider: HealthCheckDetail & { endpoints?: Record<string, HealthCheckDetail> };
    cloudwatch: (HealthCheckDetail & { shipper: ShipperStats }) | null;
    breakers: Record<string, BreakerView>;
    /** The ledger health the reconciliation state was judged from; null when Firestore could not answer. */
    ledger: LedgerHealth | null;
    /** This instance's pools as of the check. */
    pools: { firestore: DbPoolNumbers; http: Record<string, HttpPoolNumbers | null> };
  };
}
