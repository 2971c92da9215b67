import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { fleetStatus, providerConcurrency, sumDb, sumService, sumShippers } from './fleetStats.js';
import type { DbPoolNumbers, ServiceStats, ShipperStats } from '../api/index.js';

const db = (over: Partial<DbPoolNumbers>): DbPoolNumbers => ({
  max: 10,
  active: 0,
  idle: 10,
  pending: 0,
  acquired: 0,
  acquireTimeouts: 0,
  queryTimeouts: 0,
  retries: 0,
  errors: 0,
  abandoned: 0,
  acquireWaitMs: { p50: null, p99: null },
  queryMs: { p50: null, p95: null, p99: null },
  ...over,
});

describe('fleet totals', () => {
  it('sums query-pool counters and keeps the worst percentile', () => {
    const total = sumDb([
      db({ active: 3, idle: 7, acquired: 5, queryMs: { p50: 4, p95: 9, p99: 12 }, acquireWaitMs: { p50: 0, p99: 2 } }),
      db({
        active: 1,
        idle: 9,
        acquired: 2,
        errors: 1,
        queryMs: { p50: 6, p95: 7, p99: 8 },
        acquireWaitMs: { p50: null, p99: null },
      }),
    ]);
    expect(total).toMatchObject({ max: 20, active: 4, idle: 16, acquired: 7, errors: 1 });
    expect(total.queryMs).toEqual({ p50: 6, p95: 9, p99: 12 });
    expect(total.acquireWaitMs).toEqual({ p50: 0, p99: 2 });
    expect(sumDb([]).max).toBe(0);
  });

  it('reports the worst status word', () => {
    expect(fleetStatus(['healthy', 'saturated'])).toBe('saturated');
    expect(fleetStatus(['saturated', 'degraded', 'healthy'])).toBe('degraded');
    expect(fleetStatus([])).toBe('healthy');
  });

  it('sums service pools and keeps the newest health check', () => {
    const view = (requests: number, checkedAt: number | null): ServiceStats => ({
      breaker: { state: 'closed', failureRate: 0, calls: 0, openedAt: null, nextProbeAt: null },
      pool: {
        maxSockets: 10,
        activeSockets: 1,
        peakActiveSockets: requests,
        freeSockets: 2,
        queued: 0,
        socketsCreated: 3,
        socketsClosed: 1,
        socketErrors: 0,
        requests,
        timeouts: 0,
        failures: 0,
      },
      latencyMs: { p50: requests, p95: null, p99: null },
      health:
        checkedAt === null
          ? { ok: null, checkedAt: null, latencyMs: null }
          : { ok: checkedAt > 100, checkedAt, latencyMs: 3 },
    });
    const fleetBreaker = { state: 'open' as const, failureRate: 1, calls: 6, openedAt: 1, nextProbeAt: 30_001 };
    const s = sumService(fleetBreaker, [view(4, 100), view(6, 200), view(1, null)]);
    expect(s.breaker).toBe(fleetBreaker);
    expect(s.pool).toMatchObject({ maxSockets: 30, requests: 11, socketsCreated: 9, peakActiveSockets: 11 });
    expect(s.latencyMs.p50).toBe(6);
    expect(s.health).toMatchObject({ ok: true, checkedAt: 200 });
  });

  it('reports a service pool nobody measured as null, and sums only measured ones', () => {
    const fleetBreaker = { state: 'closed' as const, failureRate: 0, calls: 0, openedAt: null, nextProbeAt: null };
    const unmeasured: ServiceStats = {
      breaker: fleetBreaker,
      pool: null,
      latencyMs: { p50: null, p95: null, p99: null },
      health: { ok: null, checkedAt: null, latencyMs: null },
    };
    expect(sumService(fleetBreaker, [unmeasured, unmeasured]).pool).toBeNull();
    expect(sumService(fleetBreaker, []).health).toEqual({ ok: null, checkedAt: null, latencyMs: null });
  });

  it('sums CloudWatch shippers: counters added, newest error and success kept; none -> null', () => {
    const shipper = (over: Partial<ShipperStats>): ShipperStats => ({
      enabled: true,
      buffered: 1,
      sent: 10,
      failed: 0,
      dropped: 0,
      failedSends: 1,
      lastError: null,
      lastSuccessAt: null,
      ...over,
    });
    const total = sumShippers([
      shipper({ sent: 5, lastError: { code: 'THROTTLED', message: 'slow down', at: 200 }, lastSuccessAt: 300 }),
      shipper({ sent: 7, failed: 2, lastError: { code: 'NETWORK', message: 'reset', at: 100 }, lastSuccessAt: 900 }),
    ]);
    expect(total).toMatchObject({
      enabled: true,
      buffered: 2,
      sent: 12,
      failed: 2,
      dropped: 0,
      failedSends: 2,
      lastSuccessAt: 900,
    });
    expect(total?.lastError?.code).toBe('THROTTLED');
    expect(sumShippers([])).toBeNull();
  });

  it('reports the provider budget and cap from the config, and the fleet pool in flight and at the peak', () => {
    const cfg = parseConfig({ PAYMENT_PROVIDER_MAX_CONCURRENCY: '25', PAYMENT_MAX_INSTANCES: '4' });
    const pool = sumService({ state: 'closed', failureRate: 0, calls: 0, openedAt: null, nextProbeAt: null }, [
      { ...svc(), pool: { ...svc().pool!, activeSockets: 2, peakActiveSockets: 6 } },
      { ...svc(), pool: { ...svc().pool!, activeSockets: 1, peakActiveSockets: 5 } },
    ]).pool;
    expect(providerConcurrency(cfg, pool)).toEqual({
      budget: 25,
      maxInstances: 4,
      capPerInstance: 6,
      inFlight: 3,
      peakInFlight: 11,
    });
    expect(providerConcurrency(cfg, null)).toMatchObject({ capPerInstance: 6, inFlight: null, peakInFlight: null });
  });
});

/** A service view with a pool of 6 sockets, nothing in flight. */
function svc(): ServiceStats {
  return {
    breaker: { state: 'closed', failureRate: 0, calls: 0, openedAt: null, nextProbeAt: null },
    pool: {
      maxSockets: 6,
      activeSockets: 0,
      peakActiveSockets: 0,
      freeSockets: 0,
      queued: 0,
      socketsCreated: 0,
      socketsClosed: 0,
      socketErrors: 0,
      requests: 0,
      timeouts: 0,
      failures: 0,
    },
    latencyMs: { p50: null, p95: null, p99: null },
    health: { ok: null, checkedAt: null, latencyMs: null },
  };
}
