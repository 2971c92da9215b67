import { describe, expect, it } from 'vitest';
import type { BreakerView, DbPoolNumbers, LedgerHealth, ShipperStats } from '../api/index.js';
import type { HealthResult } from '../resilience/http/httpHealth.js';
import { HealthMonitor, publicReport, worstState, type HealthSources, type ProviderHealth } from './healthMonitor.js';

const healthy: HealthResult = { ok: true, checkedAt: '2026-01-01T00:00:00.000Z', latencyMs: 4 };
const failing = (error: string): HealthResult => ({ ok: false, checkedAt: healthy.checkedAt, latencyMs: 2, error });
const closed: BreakerView = { state: 'closed', failureRate: 0, calls: 0, openedAt: null, nextProbeAt: null };
const open: BreakerView = { state: 'open', failureRate: 1, calls: 6, openedAt: 1, nextProbeAt: 2 };
const ledger: LedgerHealth = {
  unknown: 0,
  oldestUnknownAgeMs: null,
  waiting: 0,
  expiredPending: 0,
  lostClaims: 0,
  mismatches: 0,
  orphanCharges: 0,
  foreignIntents: 0,
  lateSuccesses: 0,
  pendingRefunds: 0,
  unknownRefunds: 0,
  openDisputes: 0,
  nextEvidenceDueAt: null,
  orphanRefunds: 0,
  lastRun: null,
};
const db = { max: 10, active: 0, idle: 10 } as DbPoolNumbers;
const shipperStats = { enabled: true, buffered: 0 } as ShipperStats;

/** Sources that count the provider checks; `over` replaces any of them. */
function sources(over: Partial<HealthSources> = {}) {
  const calls = { provider: 0 };
  const src: HealthSources = {
    firestore: () => Promise.resolve(),
    provider: () => {
      calls.provider += 1;
      return Promise.resolve(healthy);
    },
    cloudwatch: { check: () => Promise.resolve(healthy), stats: () => shipperStats },
    breakers: () => Promise.resolve({ 'payment-service': closed, 'cloudwatch-logs': closed }),
    ledger: () => Promise.resolve(ledger),
    local: () => ({ instance: { instanceId: 'i-1', function: 'health' }, pools: { firestore: db, http: {} } }),
    ...over,
  };
  return { src, calls };
}

const options = { ttlMs: 5000, checkTimeoutMs: 50, unknownAgeLimitMs: 900_000 };

function monitor(over: Partial<HealthSources> = {}, clock = { t: 1_000 }) {
  const { src, calls } = sources(over);
  return { m: new HealthMonitor(src, { ...options, now: () => clock.t }), calls, clock };
}

describe('HealthMonitor', () => {
  it('is ok with every component healthy', async () => {
    const r = await monitor().m.check();
    expect(r.status).toBe('ok');
    expect(r.components).toEqual({
      firestore: { state: 'ok' },
      provider: { state: 'ok' },
      breakers: {
        'payment-service': { state: 'ok', breaker: 'closed' },
        'cloudwatch-logs': { state: 'ok', breaker: 'closed' },
      },
      cloudwatch: { state: 'ok', enabled: true },
      reconciliation: { state: 'ok' },
    });
    expect(r.detail.provider).toEqual({ state: 'ok', latencyMs: 4 });
    expect(r.detail.firestore.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('is down when the provider fails its health call, naming the problem only in the detail', async () => {
    const r = await monitor({ provider: () => Promise.resolve(failing('HTTP_503')) }).m.check();
    expect(r.status).toBe('down');
    expect(r.components.provider).toEqual({ state: 'down' });
    expect(r.detail.provider.problem).toBe('HTTP_503');
    expect(JSON.stringify(publicReport(r))).not.toContain('HTTP_503');
  });

  it('is down when the payment-service breaker is open, degraded when another one is', async () => {
    const paymentOpen = await monitor({ breakers: () => Promise.resolve({ 'payment-service': open }) }).m.check();
    expect(paymentOpen.status).toBe('down');
    expect(paymentOpen.components.breakers['payment-service']).toEqual({ state: 'down', breaker: 'open' });
    const halfOpen = { ...open, state: 'half-open' as const };
    const probing = await monitor({ breakers: () => Promise.resolve({ 'payment-service': halfOpen }) }).m.check();
    expect(probing.status).toBe('degraded');
    const logsOpen = await monitor({
      breakers: () => Promise.resolve({ 'payment-service': closed, 'cloudwatch-logs': open }),
    }).m.check();
    expect(logsOpen.status).toBe('degraded');
  });

  it('is down when Firestore fails or hangs past the check deadline, with the error code only', async () => {
    const failed = await monitor({
      firestore: () => Promise.reject(Object.assign(new Error('at https://user:pw@x'), { code: 'DB_TIMEOUT' })),
    }).m.check();
    expect(failed.components.firestore.state).toBe('down');
    expect(failed.detail.firestore.problem).toBe('failed: DB_TIMEOUT');
    const hung = await monitor({ firestore: () => new Promise(() => undefined) }).m.check();
    expect(hung.status).toBe('down');
    expect(hung.detail.firestore).toEqual({ state: 'down', latencyMs: null, problem: 'no answer within 50 ms' });
  });

  it('counts a check that throws before returning a promise as failed (a missing API key)', async () => {
    const r = await monitor({
      provider: () => {
        throw Object.assign(new Error('PAYMENT_API_KEY is not set'), { code: 'CONFIG_INVALID' });
      },
    }).m.check();
    expect(r.components.provider.state).toBe('down');
    expect(r.detail.provider.problem).toBe('failed: CONFIG_INVALID');
  });

  it('calls CloudWatch and a reconciliation backlog degraded, never down', async () => {
    const r = await monitor({
      cloudwatch: { check: () => Promise.resolve(failing('throttled')), stats: () => shipperStats },
      ledger: () => Promise.resolve({ ...ledger, unknown: 2, oldestUnknownAgeMs: 1_000_000 }),
    }).m.check();
    expect(r.status).toBe('degraded');
    expect(r.components.cloudwatch).toEqual({ state: 'degraded', enabled: true });
    expect(r.components.reconciliation).toEqual({ state: 'degraded' });
    const young = await monitor({
      ledger: () => Promise.resolve({ ...ledger, unknown: 2, oldestUnknownAgeMs: 60_000 }),
    }).m.check();
    expect(young.components.reconciliation.state).toBe('ok');
    const expired = await monitor({ ledger: () => Promise.resolve({ ...ledger, expiredPending: 1 }) }).m.check();
    expect(expired.components.reconciliation.state).toBe('degraded');
    const off = await monitor({ cloudwatch: null }).m.check();
    expect(off.components.cloudwatch).toEqual({ state: 'ok', enabled: false });
    expect(off.detail.cloudwatch).toBeNull();
  });

  it('judges several provider endpoints: degraded while one answers, down when none does', async () => {
    const two =
      (a: HealthResult, b: HealthResult): (() => Promise<ProviderHealth>) =>
      () =>
        Promise.resolve({ ...healthy, endpoints: { 'endpoint-1': a, 'endpoint-2': b } });
    const one = await monitor({ provider: two(healthy, failing('HTTP_500')) }).m.check();
    expect(one.components.provider).toEqual({
      state: 'degraded',
      endpoints: { 'endpoint-1': { state: 'ok' }, 'endpoint-2': { state: 'down' } },
    });
    const none = await monitor({ provider: two(failing('HTTP_500'), failing('HTTP_TIMEOUT')) }).m.check();
    expect(none.status).toBe('down');
  });

  it('reuses one check for ttlMs and shares a running check between concurrent callers', async () => {
    const { m, calls, clock } = monitor();
    const [a, b] = await Promise.all([m.check(), m.check()]);
    expect(a).toBe(b);
    await m.check();
    clock.t += 4999;
    await m.check();
    expect(calls.provider).toBe(1);
    clock.t += 1;
    const fresh = await m.check();
    expect(calls.provider).toBe(2);
    expect(fresh.checkedAt).toBe(clock.t);
    expect(m.checksRun).toBe(2);
  });

  it('caches a failed check too, so failures cannot be used to drive traffic', async () => {
    const { m, calls } = monitor({
      provider: () => {
        calls.provider += 1;
        return Promise.reject(new Error('refused'));
      },
    });
    await m.check();
    await m.check();
    expect(calls.provider).toBe(1);
  });
});

describe('worstState', () => {
  it('orders down over degraded over ok', () => {
    expect(worstState([])).toBe('ok');
    expect(worstState(['ok', 'degraded'])).toBe('degraded');
    expect(worstState(['degraded', 'down', 'ok'])).toBe('down');
  });
});
