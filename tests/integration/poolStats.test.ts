// The admin stats callables report real numbers from real traffic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConcurrency } from '../../functions/src/api/index.js';
import { USERS, session, type Session } from './client.js';

interface Db {
  max: number;
  active: number;
  idle: number;
  pending: number;
  acquired: number;
  queryMs: { p50: number | null };
}

describe('getDatabasePoolStatus and getConnectionPoolStats', () => {
  let admin: Session, user: Session;
  beforeAll(async () => {
    [admin, user] = await Promise.all([session(USERS.admin), session('new')]);
  });
  afterAll(async () => Promise.all([admin, user].map((s) => s?.close())));

  it('reports the query pool of every live instance and the fleet total', async () => {
    const first = await admin.call<{
      status: string;
      at: number;
      fleet: Db;
      instances: (Db & { instanceId: string; function: string; updatedAt: number })[];
    }>('getDatabasePoolStatus');
    expect(['healthy', 'saturated', 'degraded']).toContain(first.status);
    const mine = first.instances.find((i) => i.function === 'getDatabasePoolStatus');
    expect(mine).toBeDefined();
    expect(mine!.max).toBe(10);
    expect(mine!.idle).toBe(mine!.max - mine!.active);
    expect(first.fleet.max).toBe(first.instances.reduce((s, i) => s + i.max, 0));
    const again = await admin.call<{ instances: (Db & { instanceId: string })[] }>('getDatabasePoolStatus');
    const mineAgain = again.instances.find((i) => i.instanceId === mine!.instanceId)!;
    expect(mineAgain.acquired).toBeGreaterThan(mine!.acquired); // its own publish and fleet read went through the pool
    expect(mineAgain.queryMs.p50).not.toBeNull();
  });

  it('counts payment-service requests and runs health checks on demand', async () => {
    await user.call('processPayment', { amount: 1.5, paymentMethod: 'credit_card' });
    const stats = await admin.call<{
      providerConcurrency: ProviderConcurrency;
      instances: { services: Record<string, { pool: { peakActiveSockets: number } | null }> }[];
      services: Record<
        string,
        {
          pool: { requests: number; maxSockets: number };
          health: { ok: boolean; checkedAt: number; latencyMs: number } | null;
        }
      >;
    }>('getConnectionPoolStats', { check: true });
    const svc = stats.services['payment-service']!;
    expect(svc.health).toMatchObject({ ok: true });
    expect(Date.now() - svc.health!.checkedAt).toBeLessThan(30_000);
    expect(svc.pool.maxSockets).toBeGreaterThanOrEqual(10);
    expect(svc.pool.requests).toBeGreaterThanOrEqual(1);
    expect(Object.keys(stats.services).sort()).toEqual(['cloudwatch-logs', 'payment-service']);
    // The emulator runs the defaults: 100 over 10 instances, capped at VUE_APP_MAX_CONNECTIONS (10).
    const peaks = stats.instances.map((i) => i.services['payment-service']?.pool?.peakActiveSockets ?? 0);
    expect(stats.providerConcurrency).toMatchObject({ budget: 100, maxInstances: 10, capPerInstance: 10 });
    expect(stats.providerConcurrency.peakInFlight).toBe(peaks.reduce((a, b) => a + b, 0));
    expect(stats.providerConcurrency.peakInFlight).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(stats)).not.toMatch(/dev_[0-9a-f]{24}|Bearer/);
  });
});
