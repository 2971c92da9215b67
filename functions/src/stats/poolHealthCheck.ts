import { SharedResult } from '../resilience/cache/sharedResult.js';

/** Something with a health call (the payment provider, the CloudWatch shipper). */
interface HealthChecked {
  checkHealth(): Promise<unknown>;
}

/**
 * The health checks `getConnectionPoolStats({ check: true })` runs from this
 * instance (the provider's and the shipper's), shared by every call within
 * `minIntervalMs` [HEALTH_CACHE_MS]: however often admins ask, an instance
 * sends at most one provider health request per interval. `provider` answers
 * null where the function does not mount PAYMENT_API_KEY (the stats callables
 * in production): the provider's health is then the fleet's latest, from the
 * instances that checked it (`health`, under uptime checks).
 */
export function poolHealthCheck(
  provider: () => HealthChecked | null,
  shipper: HealthChecked | null,
  minIntervalMs: number,
): SharedResult<void> {
  return new SharedResult(async () => {
    await Promise.all([provider()?.checkHealth(), shipper?.checkHealth()]);
  }, minIntervalMs);
}
