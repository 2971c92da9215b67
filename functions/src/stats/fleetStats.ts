import type {
  BreakerView,
  ConcurrencyLimitView,
  DbPoolNumbers,
  EndpointStats,
  HealthView,
  HttpPoolNumbers,
  LatencyPercentiles,
  PoolStatus,
  ProviderConcurrency,
  ServiceStats,
  ShipperStats,
} from '../api/index.js';
import { providerSocketCap, type ProviderCapSettings } from '../config/index.js';
import type { RunQuery } from '../resilience/query/runQuery.js';
import { INSTANCES, MAX_INSTANCE_SNAPSHOTS, NO_HEALTH_CHECK, type InstanceSnapshot } from './instanceStats.js';

/**
 * Fleet-wide numbers built from the instance snapshots in Firestore. Counters
 * are summed; latency percentiles cannot be merged exactly from percentiles,
 * so the fleet value is the worst (highest) instance's percentile.
 */

/** Snapshots younger than two metrics intervals (older ones count as gone), ordered by function and instance. */
export async function freshSnapshots(
  runQuery: RunQuery,
  intervalMs: number,
  now = Date.now(),
): Promise<InstanceSnapshot[]> {
  const since = now - 2 * intervalMs;
  const snap = await runQuery(
    (db) =>
      db
        .collection(INSTANCES)
        .where('updatedAt', '>', since)
        .orderBy('updatedAt', 'desc')
        .limit(MAX_INSTANCE_SNAPSHOTS)
        .get(),
    'stats.readFleet',
    {
      readOnly: true,
    },
  );
  return snap.docs
    .map((d) => d.data() as InstanceSnapshot)
    .sort((a, b) => a.function.localeCompare(b.function) || a.instanceId.localeCompare(b.instanceId));
}

function worst(values: (number | null)[]): number | null {
  const nums = values.filter((v): v is number => v !== null);
  return nums.length ? Math.max(...nums) : null;
}

function worstPercentiles<K extends string>(items: Record<K, number | null>[], keys: K[]): Record<K, number | null> {
  return Object.fromEntries(keys.map((k) => [k, worst(items.map((i) => i[k]))])) as Record<K, number | null>;
}

function sumKeys<T, K extends keyof T>(items: T[], keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, items.reduce((s, v) => s + Number(v[k] ?? 0), 0)])) as Record<
    K,
    number
  >;
}

const DB_COUNTERS = [
  'max',
  'active',
  'idle',
  'pending',
  'acquired',
  'acquireTimeouts',
  'queryTimeouts',
  'retries',
  'errors',
  'abandoned',
] as const;

/** Sums the query-pool numbers of the fleet. */
export function sumDb(views: DbPoolNumbers[]): DbPoolNumbers {
  return {
    ...sumKeys(views, DB_COUNTERS),
    acquireWaitMs: worstPercentiles(
      views.map((v) => v.acquireWaitMs),
      ['p50', 'p99'],
    ),
    queryMs: worstPercentiles(
      views.map((v) => v.queryMs),
      ['p50', 'p95', 'p99'],
    ),
    ...limitOf(views),
  };
}

function limitOf(views: DbPoolNumbers[]): { limit?: ConcurrencyLimitView } {
  const limit = sumLimits(views.flatMap((v) => (v.limit ? [v.limit] : [])));
  return limit ? { limit } : {};
}

/** Worst status word of the fleet. */
export function fleetStatus(statuses: PoolStatus[]): PoolStatus {
  if (statuses.includes('degraded')) return 'degraded';
  if (statuses.includes('saturated')) return 'saturated';
  return 'healthy';
}

const POOL_KEYS = [
  'maxSockets',
  'activeSockets',
  'peakActiveSockets',
  'freeSockets',
  'queued',
  'socketsCreated',
  'socketsClosed',
  'socketErrors',
  'requests',
  'timeouts',
  'failures',
] as const satisfies readonly (keyof HttpPoolNumbers)[];

/** Fleet view of one service: fleet breaker state, summed pools (null when no instance has one), worst latency, newest health check. */
export function sumService(breaker: BreakerView, views: ServiceStats[]): ServiceStats {
  const pools = views.flatMap((v) => (v.pool ? [v.pool] : []));
  const health = newestHealth(views.map((v) => v.health));
  const endpoints = sumEndpoints(views.flatMap((v) => v.endpoints ?? []));
  const limit = sumLimits(views.flatMap((v) => (v.limit ? [v.limit] : [])));
  return {
    breaker,
    pool: pools.length ? sumKeys(pools, POOL_KEYS) : null,
    latencyMs: worstPercentiles<keyof LatencyPercentiles>(
      views.map((v) => v.latencyMs),
      ['p50', 'p95', 'p99'],
    ),
    health,
    ...(endpoints.length ? { endpoints } : {}),
    ...(limit ? { limit } : {}),
  };
}

function newestHealth(all: HealthView[]): HealthView {
  return (
    all.filter((h) => h.checkedAt !== null).sort((a, b) => (b.checkedAt ?? 0) - (a.checkedAt ?? 0))[0] ??
    NO_HEALTH_CHECK
  );
}

/**
 * Fleet view of each endpoint, by name in first-seen order: pools and
 * outstanding requests summed, worst latency, newest health check. Each
 * instance ejects on its own, so an endpoint counts as ejected while any
 * instance has it out (until the latest of them), with every instance's ejections summed.
 */
export function sumEndpoints(all: EndpointStats[]): EndpointStats[] {
  const byName = new Map<string, EndpointStats[]>();
  for (const e of all) byName.set(e.endpoint, [...(byName.get(e.endpoint) ?? []), e]);
  return [...byName].map(([endpoint, list]) => {
    const until = list.map((e) => e.ejection.ejectedUntil).filter((u): u is number => u !== null);
    return {
      endpoint,
      pool: sumKeys(
        list.map((e) => e.pool),
        POOL_KEYS,
      ),
      outstanding: list.reduce((n, e) => n + e.outstanding, 0),
      latencyMs: worstPercentiles<keyof LatencyPercentiles>(
        list.map((e) => e.latencyMs),
        ['p50', 'p95', 'p99'],
      ),
      ejection: {
        ejected: list.some((e) => e.ejection.ejected),
        ejectedUntil: until.length ? Math.max(...until) : null,
        ejections: list.reduce((n, e) => n + e.ejection.ejections, 0),
        consecutiveFailures: Math.max(...list.map((e) => e.ejection.consecutiveFailures)),
      },
      health: newestHealth(list.map((e) => e.health)),
    };
  });
}

/** Fleet view of an adaptive limit: limits, bounds and gauges summed; the ten newest changes of any instance. */
export function sumLimits(all: ConcurrencyLimitView[]): ConcurrencyLimitView | null {
  if (all.length === 0) return null;
  const recentChanges = all
    .flatMap((l) => l.recentChanges)
    .sort((a, b) => a.at - b.at)
    .slice(-10);
  return {
    ...sumKeys(all, ['limit', 'min', 'max', 'inFlight', 'waiting', 'rejected', 'changes'] as const),
    recentChanges,
  };
}

/** Fleet total of the CloudWatch shippers: counters summed, newest error and success; null when none ships. */
export function sumShippers(all: ShipperStats[]): ShipperStats | null {
  if (all.length === 0) return null;
  const lastError =
    all
      .map((s) => s.lastError)
      .filter((e) => e !== null)
      .sort((a, b) => b.at - a.at)[0] ?? null;
  return {
    enabled: all.some((s) => s.enabled),
    ...sumKeys(all, ['buffered', 'sent', 'failed', 'dropped', 'failedSends'] as const),
    lastError,
    lastSuccessAt: Math.max(0, ...all.map((s) => s.lastSuccessAt ?? 0)) || null,
  };
}

/**
 * The provider concurrency budget from the configuration and its use from
 * the fleet's summed provider pool (null when no live instance has one).
 */
export function providerConcurrency(cfg: ProviderCapSettings, pool: HttpPoolNumbers | null): ProviderConcurrency {
  return {
    budget: cfg.PAYMENT_PROVIDER_MAX_CONCURRENCY,
    maxInstances: cfg.PAYMENT_MAX_INSTANCES,
    capPerInstance: providerSocketCap(cfg),
    inFlight: pool ? pool.activeSockets : null,
    peakInFlight: pool ? pool.peakActiveSockets : null,
  };
}
