import { call } from './callables';
import type { ConnectionPoolStats, DatabasePoolStatus, ResetBreakersResult } from './types';

/** Fleet-wide Firestore query pool numbers. @throws ApiError */
export function getDatabasePoolStatus(): Promise<DatabasePoolStatus> {
  return call<DatabasePoolStatus>('getDatabasePoolStatus');
}

/** Fleet-wide HTTP pools, breakers and CloudWatch shipping; `check: true` runs health checks first. @throws ApiError */
export function getConnectionPoolStats(options: { check?: boolean } = {}): Promise<ConnectionPoolStats> {
  return call<ConnectionPoolStats>('getConnectionPoolStats', options);
}

/** Closes one service's breaker, or all of them when no name is given. @throws ApiError (`not-found` for an unknown service) */
export function resetCircuitBreakers(options: { serviceName?: string } = {}): Promise<ResetBreakersResult> {
  return call<ResetBreakersResult>('resetCircuitBreakers', options);
}
