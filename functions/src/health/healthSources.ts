/**
 * The health monitor's sources, wired to this instance's runtime: every
 * Firestore read goes through the query pool, the provider and shipper checks
 * through their keep-alive pools (so a check also proves a socket can be had).
 */
import { PAYMENT_SERVICE } from '../payments/provider/paymentProvider.js';
import { functionName, instanceId } from '../observability/logs/instance.js';
import type { Runtime } from '../app/runtime.js';
import { HealthMonitor, type HealthSources } from './healthMonitor.js';

/**
 * Longest wait for one component's check. The checks run in parallel, so a
 * report takes at most this long, inside an uptime check's usual 10 s; a cold
 * instance's first Firestore read (channel setup) can take seconds.
 */
export const HEALTH_CHECK_TIMEOUT_MS = 5000;
/** An unknown payment this old means reconciliation is not keeping up (the docs/operations.md alarm's 15 minutes). */
export const UNKNOWN_AGE_LIMIT_MS = 15 * 60_000;

/** The sources of {@link HealthMonitor} for `rt`. */
export function healthSources(rt: Runtime): HealthSources {
  const shipper = rt.shipper;
  return {
    // The read every payment's breaker refresh makes: a small, always-present document.
    firestore: async () => {
      await rt.queryPool.executeQuery(
        (db) => db.collection('breakers').doc(PAYMENT_SERVICE).get(),
        'health.firestore',
        { readOnly: true, timeoutMs: HEALTH_CHECK_TIMEOUT_MS },
      );
    },
    provider: () => rt.provider().checkHealth(),
    cloudwatch: shipper ? { check: () => shipper.checkHealth(), stats: () => shipper.stats() } : null,
    breakers: async () => {
      // A failed sync keeps the last copy; the Firestore component reports the store itself.
      await Promise.allSettled(rt.breakers.names().map((n) => rt.breakers.get(n).sync()));
      return Object.fromEntries(rt.breakers.names().map((n) => [n, rt.stats.serviceView(n).breaker]));
    },
    ledger: (now) => rt.ledgerHealth(now),
    local: () => {
      const { queued: _q, peakActive: _p, ...firestore } = rt.queryPool.stats();
      return {
        instance: { instanceId, function: functionName() },
        pools: {
          firestore,
          http: Object.fromEntries(rt.breakers.names().map((n) => [n, rt.stats.serviceView(n).pool])),
        },
      };
    },
  };
}

/** The instance's monitor, caching for HEALTH_CACHE_MS. */
export function healthMonitor(rt: Runtime): HealthMonitor {
  return new HealthMonitor(healthSources(rt), {
    ttlMs: rt.cfg.HEALTH_CACHE_MS,
    checkTimeoutMs: HEALTH_CHECK_TIMEOUT_MS,
    unknownAgeLimitMs: UNKNOWN_AGE_LIMIT_MS,
  });
}
