import { Timestamp } from 'firebase-admin/firestore';
import type { ShipperStats } from '../api.js';
import { functionName, instanceId } from '../observability/instance.js';
import type { DbPoolNumbers, HealthView, HttpPoolNumbers, ServiceStats } from '../api.js';
import { poolStatus } from '../resilience/query/queryPoolStats.js';
import type { Runtime } from '../runtime.js';
import { logEvent } from '../observability/logger.js';

/** Collection of per-instance stats snapshots (a Firestore TTL policy on `expiresAt` deletes old ones). */
export const INSTANCES = 'instances';

export type { BreakerView, HealthView, ServiceStats as ServiceView } from '../api.js';
/** HTTP pool numbers of one service. */
export type PoolView = HttpPoolNumbers;
/** Query-pool numbers published by an instance. */
export type DbPoolView = DbPoolNumbers;

/** What each instance publishes to `instances/{instanceId}`. Times are epoch ms. */
export interface InstanceSnapshot {
  instanceId: string;
  function: string;
  updatedAt: number;
  /** Firestore TTL field: the document may be deleted after this. */
  expiresAt: Timestamp;
  db: DbPoolView & { status: 'healthy' | 'saturated' | 'degraded' };
  services: Record<string, ServiceStats>;
  cloudwatch: ShipperStats | null;
}

/** Health of a service before its first check. */
export const NO_HEALTH_CHECK: HealthView = { ok: null, checkedAt: null, latencyMs: null };

const EMPTY_POOL: HttpPoolNumbers = {
  maxSockets: 0,
  activeSockets: 0,
  freeSockets: 0,
  queued: 0,
  socketsCreated: 0,
  socketsClosed: 0,
  socketErrors: 0,
  requests: 0,
  timeouts: 0,
  failures: 0,
};

/** This instance's view of a service: local pool numbers, breaker as last synced. */
export function serviceView(rt: Runtime, name: string): ServiceStats {
  const b = rt.breakers.get(name).snapshot();
  const known = rt.http.allStats()[name];
  const {
    reusedSocketRetries: _r,
    latencyMs,
    ...pool
  } = known ?? { ...EMPTY_POOL, reusedSocketRetries: 0, latencyMs: { p50: null, p95: null, p99: null } };
  const health = known ? rt.http.health(name) : undefined;
  return {
    breaker: {
      state: b.state,
      failureRate: b.failureRate / 100,
      calls: b.calls,
      openedAt: b.openedAt,
      nextProbeAt: b.nextProbeAt,
    },
    pool,
    latencyMs,
    health: health
      ? {
          ok: health.ok,
          checkedAt: Date.parse(health.checkedAt),
          latencyMs: health.latencyMs,
          ...(health.error ? { error: health.error } : {}),
        }
      : NO_HEALTH_CHECK,
  };
}

/** Builds this instance's snapshot; consumes one query-pool interval. */
export function collectSnapshot(rt: Runtime, now = Date.now()): InstanceSnapshot {
  const { current, previous } = rt.queryPool.intervalStats();
  const { queued: _q, peakActive: _p, ...db } = current;
  const interval = rt.cfg.VUE_APP_METRICS_INTERVAL;
  return {
    instanceId,
    function: functionName(),
    updatedAt: now,
    expiresAt: Timestamp.fromMillis(now + 2 * interval),
    db: { ...db, status: poolStatus(current, previous) },
    services: Object.fromEntries(rt.breakers.names().map((n) => [n, serviceView(rt, n)])),
    cloudwatch: rt.shipper ? rt.shipper.stats() : null,
  };
}

let lastPublishedAt = 0;
let dirty = false;

/** Marks the snapshot stale (e.g. after a breaker transition) so the next call publishes it. */
export function markStatsDirty(): void {
  dirty = true;
}

/**
 * Publishes this instance's snapshot when the last one is older than the
 * metrics interval, or a breaker changed, or `force`. Runs inside a call (CPU
 * is throttled after the response), through the query pool. Never throws.
 */
export async function publishIfDue(rt: Runtime, opts: { force?: boolean } = {}, now = Date.now()): Promise<boolean> {
  if (!opts.force && !dirty && now - lastPublishedAt < rt.cfg.VUE_APP_METRICS_INTERVAL) return false;
  const snapshot = collectSnapshot(rt, now);
  for (const [name, view] of Object.entries(snapshot.services)) {
    if (view.pool.maxSockets > 0)
      rt.metrics.recordPoolUtilisation({ pool: name, percent: (100 * view.pool.activeSockets) / view.pool.maxSockets });
  }
  rt.metrics.recordPoolUtilisation({ pool: 'firestore', percent: (100 * snapshot.db.active) / snapshot.db.max });
  if (snapshot.db.acquireWaitMs.p99 !== null)
    rt.metrics.recordPoolWait({ pool: 'firestore', waitMs: snapshot.db.acquireWaitMs.p99 });
  logPoolPressure(snapshot);
  try {
    await rt.runQuery((db) => db.collection(INSTANCES).doc(instanceId).set(snapshot), 'stats.publish', {
      idempotent: true,
    });
    lastPublishedAt = now;
    dirty = false;
    return true;
  } catch {
    return false;
  }
}

/** Logs pool saturation (anything waiting, or timeouts/errors) seen in a snapshot. */
function logPoolPressure(snapshot: InstanceSnapshot): void {
  const { db } = snapshot;
  if (db.status !== 'healthy') {
    logEvent(
      'db_pool.pressure',
      {
        status: db.status,
        active: db.active,
        max: db.max,
        pending: db.pending,
        acquireTimeouts: db.acquireTimeouts,
        queryTimeouts: db.queryTimeouts,
        errors: db.errors,
      },
      db.status === 'degraded' ? 'WARNING' : 'NOTICE',
    );
  }
  for (const [service, view] of Object.entries(snapshot.services)) {
    if (view.pool.queued > 0) {
      logEvent(
        'http_pool.saturated',
        { service, activeSockets: view.pool.activeSockets, maxSockets: view.pool.maxSockets, queued: view.pool.queued },
        'NOTICE',
      );
    }
  }
}
