import type { ConnectionPoolStats, DatabasePoolStatus } from '../api/index.js';
import type { Runtime } from '../app/runtime.js';
import { PAYMENT_SERVICE } from '../payments/provider/paymentProvider.js';
import { fleetStatus, freshSnapshots, providerConcurrency, sumDb, sumService, sumShippers } from './fleetStats.js';
import { sumRejections } from './rejections.js';

/**
 * The admin callables' domain functions: fleet reports built from every live
 * instance's snapshot (this instance publishes its own first, so it is current).
 */

/** The Firestore query pool of every live instance and their fleet total. */
export async function databasePoolStatus(rt: Runtime): Promise<DatabasePoolStatus> {
  await rt.stats.publishIfDue({ force: true });
  const snapshots = await freshSnapshots(rt.runQuery, rt.cfg.VUE_APP_METRICS_INTERVAL);
  return {
    status: fleetStatus(snapshots.map((s) => s.db.status)),
    at: Date.now(),
    fleet: sumDb(snapshots.map((s) => s.db)),
    instances: snapshots.map((s) => ({
      instanceId: s.instanceId,
      function: s.function,
      updatedAt: s.updatedAt,
      ...s.db,
    })),
  };
}

/**
 * HTTP pools, breakers, the provider concurrency budget, CloudWatch shipping, ledger health and refused calls of the fleet. Breaker state is
 * the fleet's (read from Firestore now); `check` runs the health checks from
 * this instance first, at most once per HEALTH_CACHE_MS (stats/poolHealthCheck.ts).
 */
export async function connectionPoolStats(rt: Runtime, opts: { check?: boolean } = {}): Promise<ConnectionPoolStats> {
  if (opts.check) await rt.poolHealthCheck.get();
  await Promise.all(rt.breakers.names().map((n) => rt.breakers.get(n).sync()));
  await rt.stats.publishIfDue({ force: true });
  const [snapshots, ledger] = await Promise.all([
    freshSnapshots(rt.runQuery, rt.cfg.VUE_APP_METRICS_INTERVAL),
    rt.ledgerHealth(Date.now()),
  ]);
  const services = Object.fromEntries(
    rt.breakers.names().map((name) => [
      name,
      sumService(
        rt.stats.serviceView(name).breaker,
        snapshots.flatMap((s) => (s.services[name] ? [s.services[name]] : [])),
      ),
    ]),
  );
  return {
    at: Date.now(),
    paymentProvider: rt.cfg.PAYMENT_PROVIDER,
    services,
    providerConcurrency: providerConcurrency(rt.cfg, services[PAYMENT_SERVICE]?.pool ?? null),
    ledger,
    instances: snapshots.map((s) => ({
      instanceId: s.instanceId,
      function: s.function,
      updatedAt: s.updatedAt,
      services: s.services,
      cloudwatch: s.cloudwatch,
      rejections: sumRejections([s.rejections]),
    })),
    cloudwatch: sumShippers(snapshots.flatMap((s) => (s.cloudwatch ? [s.cloudwatch] : []))),
    rejections: sumRejections(snapshots.map((s) => s.rejections)),
    appCheck: { enforced: rt.cfg.APP_CHECK_ENFORCE, replayProtection: rt.cfg.APP_CHECK_CONSUME },
  };
}
