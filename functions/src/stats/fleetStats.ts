import type { LatencyPercentiles } from '../resilience/window/latency.js';
import type { Runtime } from '../runtime.js';
import {
  INSTANCES,
  NO_HEALTH_CHECK,
  type DbPoolView,
  type InstanceSnapshot,
  type PoolView,
  type ServiceView,
} from './instanceStats.js';

/**
 * Fleet-wide views built from the instance snapshots in Firestore. Counters
 * are summed; latency percentiles cannot be merged exactly from percentiles,
 * so the fleet value is the worst (highest) instance's percentile.
 */

/** Snapshots younger than two metrics intervals (older ones count as gone). */
export async function freshSnapshots(rt: Runtime, now = Date.now()): Promise<InstanceSnapshot[]> {
  const since = now - 2 * rt.cfg.VUE_APP_METRICS_INTERVAL;
  const snap = await rt.runQuery(
    (db) => db.collection(INSTANCES).where('updatedAt', '>', since).get(),
    'stats.readFleet',
    { readOnly: true },
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
export function sumDb(views: DbPoolView[]): DbPoolView {
  const sums = Object.fromEntries(DB_COUNTERS.map((k) => [k, views.reduce((s, v) => s + (v[k] ?? 0), 0)])) as Record<
    (typeof DB_COUNTERS)[number],
    number
  >;
  return {
    ...sums,
    acquireWaitMs: worstPercentiles(
      views.map((v) => v.acquireWaitMs),
      ['p50', 'p99'],
    ),
    queryMs: worstPercentiles(
      views.map((v) => v.queryMs),
      ['p50', 'p95', 'p99'],
    ),
  };
}

/** Worst status word of the fleet. */
export function fleetStatus(statuses: string[]): 'healthy' | 'saturated' | 'degraded' {
  if (statuses.includes('degraded')) return 'degraded';
  if (statuses.includes('saturated')) return 'saturated';
  return 'healthy';
}

const POOL_KEYS: (keyof PoolView)[] = [
  'maxSockets',
  'activeSockets',
  'freeSockets',
  'queued',
  'socketsCreated',
  'socketsClosed',
  'socketErrors',
  'requests',
  'timeouts',
  'failures',
];

/** Fleet view of one service: fleet breaker state, summed pools, worst latency, newest health check. */
export function sumService(breaker: ServiceView['breaker'], views: ServiceView[]): ServiceView {
  const pool = Object.fromEntries(
    POOL_KEYS.map((k) => [k, views.reduce((s, v) => s + (v.pool[k] ?? 0), 0)]),
  ) as unknown as PoolView;
  const health =
    views
      .map((v) => v.health)
      .filter((h) => h.checkedAt !== null)
      .sort((a, b) => b.checkedAt! - a.checkedAt!)[0] ?? NO_HEALTH_CHECK;
  return {
    breaker,
    pool,
    latencyMs: worstPercentiles<keyof LatencyPercentiles>(
      views.map((v) => v.latencyMs),
      ['p50', 'p95', 'p99'],
    ),
    health,
  };
}
