import { Timestamp } from 'firebase-admin/firestore';
import type {
  DbPoolNumbers,
  EndpointStats,
  HealthView,
  IncidentEvent,
  PoolStatus,
  RejectionCounts,
  ServiceStats,
  ShipperStats,
} from '../api/index.js';
import type { Config } from '../config/index.js';
import type { CloudWatchShipper } from '../observability/cloudwatch/cloudwatchShipper.js';
import type { MetricsAggregator } from '../observability/metrics/emf.js';
import { functionName, instanceId } from '../observability/logs/instance.js';
import { logEvent } from '../observability/logs/logger.js';
import type { BreakerRegistry } from '../resilience/breaker/index.js';
import type { RunQuery } from '../resilience/query/runQuery.js';
import type { EndpointSet } from '../resilience/endpoints/endpointSet.js';
import type { HealthResult, HttpPoolManager } from '../resilience/http/index.js';
import { poolStatus, type QueryPool } from '../resilience/query/index.js';
import { INCIDENT_WINDOW_MS, type IncidentLog } from './incidentLog.js';
import type { RejectionCounter } from './rejections.js';

/** Collection of per-instance stats snapshots (a Firestore TTL policy on `expiresAt` deletes old ones). */
export const INSTANCES = 'instances';
/**
 * Most instance snapshots an admin query reads (the newest first): far above
 * any fleet the deploy settings allow (a few functions × FUNCTIONS_MAX_INSTANCES),
 * so it only bounds the cost of a read when stale or stray documents pile up.
 */
export const MAX_INSTANCE_SNAPSHOTS = 1000;

/** What each instance publishes to `instances/{instanceId}`. Times are epoch ms. */
export interface InstanceSnapshot {
  instanceId: string;
  function: string;
  updatedAt: number;
  /** Firestore TTL field: the document may be deleted after this. */
  expiresAt: Timestamp;
  db: DbPoolNumbers & { status: PoolStatus };
  services: Record<string, ServiceStats>;
  cloudwatch: ShipperStats | null;
  /** This instance's incidents of the last hour (IncidentLog), for the fleet's incident timeline. */
  incidents: IncidentEvent[];
  /** Calls this instance refused before any work, by reason, since it started. */
  rejections: RejectionCounts;
}

/** Health of a service before its first check. */
export const NO_HEALTH_CHECK: HealthView = { ok: null, checkedAt: null, latencyMs: null };

/** The instance's mechanisms a snapshot is read from. */
export interface StatsSources {
  cfg: Pick<Config, 'VUE_APP_METRICS_INTERVAL'>;
  queryPool: Pick<QueryPool, 'intervalStats'>;
  runQuery: RunQuery;
  breakers: Pick<BreakerRegistry, 'names' | 'get'>;
  http: Pick<HttpPoolManager, 'allStats' | 'health' | 'endpointStats' | 'limitView'>;
  shipper: Pick<CloudWatchShipper, 'stats'> | null;
  metrics: Pick<MetricsAggregator, 'recordPoolUtilisation' | 'recordPoolWait'>;
  incidents: Pick<IncidentLog, 'recent' | 'lastAt'>;
  rejections: Pick<RejectionCounter, 'snapshot'>;
}

/**
 * Publishes this instance's pool, breaker and shipper numbers to Firestore so
 * admin callables (which run in other instances) can see them. Publishing runs
 * inside a call, through the query pool (CPU is throttled after the response).
 */
export class StatsPublisher {
  private lastPublishedAt = 0;
  private dirty = false;
  private publishing = false;
  private readonly endpointSets = new Map<string, Pick<EndpointSet, 'ejection' | 'outstanding'>>();

  constructor(private readonly src: StatsSources) {}

  /** Marks the snapshot stale (e.g. after a breaker transition) so the next call publishes it. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Reads the endpoints' load and ejection state of `service` into its view (services with several endpoints). */
  watchEndpoints(service: string, endpoints: Pick<EndpointSet, 'ejection' | 'outstanding'>): void {
    this.endpointSets.set(service, endpoints);
  }

  /** This instance's view of a service: local pool numbers (null when it has no pool), breaker as last synced. */
  serviceView(name: string): ServiceStats {
    const b = this.src.breakers.get(name).snapshot();
    const known = this.src.http.allStats()[name];
    const health = known ? this.src.http.health(name) : null;
    const breaker = {
      state: b.state,
      failureRate: b.failureRate / 100,
      calls: b.calls,
      openedAt: b.openedAt,
      nextProbeAt: b.nextProbeAt,
    };
    if (!known) return { breaker, pool: null, latencyMs: { p50: null, p95: null, p99: null }, health: NO_HEALTH_CHECK };
    const { reusedSocketRetries: _r, latencyMs, ...pool } = known;
    const endpoints = this.endpointsOf(name);
    const limit = this.src.http.limitView(name);
    return {
      breaker,
      pool,
      latencyMs,
      health: healthView(health),
      ...(endpoints ? { endpoints } : {}),
      ...(limit ? { limit } : {}),
    };
  }

  private endpointsOf(name: string): EndpointStats[] | null {
    const set = this.endpointSets.get(name);
    const pools = this.src.http.endpointStats(name);
    if (!set || !pools) return null;
    return pools.map((e, i) => {
      const { reusedSocketRetries: _r, latencyMs, ...pool } = e.pool;
      return {
        endpoint: e.endpoint,
        pool,
        outstanding: set.outstanding(i),
        latencyMs,
        ejection: set.ejection(i),
        health: healthView(e.health),
      };
    });
  }

  /** Builds this instance's snapshot; consumes one query-pool interval. */
  collect(now = Date.now()): InstanceSnapshot {
    const { current, previous } = this.src.queryPool.intervalStats();
    const { queued: _q, peakActive: _p, ...db } = current;
    const interval = this.src.cfg.VUE_APP_METRICS_INTERVAL;
    // Kept while its incidents are inside the timeline's window, even after the instance is gone.
    const lastIncident = this.src.incidents.lastAt();
    const keepUntil = Math.max(now + 2 * interval, lastIncident === null ? 0 : lastIncident + INCIDENT_WINDOW_MS);
    return {
      instanceId,
      function: functionName(),
      updatedAt: now,
      expiresAt: Timestamp.fromMillis(keepUntil),
      db: { ...db, status: poolStatus(current, previous) },
      services: Object.fromEntries(this.src.breakers.names().map((n) => [n, this.serviceView(n)])),
      cloudwatch: this.src.shipper ? this.src.shipper.stats() : null,
      incidents: this.src.incidents.recent(now),
      rejections: this.src.rejections.snapshot(),
    };
  }

  /**
   * Publishes the snapshot when the last one is older than the metrics
   * interval, or a breaker changed, or `force`. Never throws.
   */
  async publishIfDue(opts: { force?: boolean } = {}, now = Date.now()): Promise<boolean> {
    if (!opts.force && !this.dirty && now - this.lastPublishedAt < this.src.cfg.VUE_APP_METRICS_INTERVAL) return false;
    // Concurrent calls of one instance that end together publish once: the others would write the same
    // snapshot again (measured: a fresh instance under load wrote instances/{id} once per overlapping call).
    if (this.publishing && !opts.force) return false;
    this.publishing = true;
    try {
      return await this.publish(now);
    } finally {
      this.publishing = false;
    }
  }

  private async publish(now: number): Promise<boolean> {
    const snapshot = this.collect(now);
    const { metrics } = this.src;
    for (const [name, view] of Object.entries(snapshot.services)) {
      if (view.pool && view.pool.maxSockets > 0) {
        metrics.recordPoolUtilisation({ pool: name, percent: (100 * view.pool.activeSockets) / view.pool.maxSockets });
      }
    }
    metrics.recordPoolUtilisation({ pool: 'firestore', percent: (100 * snapshot.db.active) / snapshot.db.max });
    if (snapshot.db.acquireWaitMs.p99 !== null) {
      metrics.recordPoolWait({ pool: 'firestore', waitMs: snapshot.db.acquireWaitMs.p99 });
    }
    logPoolPressure(snapshot);
    try {
      await this.src.runQuery((db) => db.collection(INSTANCES).doc(instanceId).set(snapshot), 'stats.publish', {
        idempotent: true,
      });
      this.lastPublishedAt = now;
      this.dirty = false;
      return true;
    } catch {
      return false;
    }
  }
}

function healthView(health: HealthResult | null): HealthView {
  if (!health) return NO_HEALTH_CHECK;
  return {
    ok: health.ok,
    checkedAt: Date.parse(health.checkedAt),
    latencyMs: health.latencyMs,
    ...(health.error ? { error: health.error } : {}),
  };
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
    if (view.pool && view.pool.queued > 0) {
      logEvent(
        'http_pool.saturated',
        { service, activeSockets: view.pool.activeSockets, maxSockets: view.pool.maxSockets, queued: view.pool.queued },
        'NOTICE',
      );
    }
  }
}
