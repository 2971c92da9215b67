// Logs and EMF metrics reach the local CloudWatch Logs endpoint through the real
// AWS SDK, and a CloudWatch outage never changes a payment's result.
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { USERS, session, type Session } from './client.js';

const CW_URL = 'http://127.0.0.1:4586';
const GROUP = '/payments/local';
/**
 * Each instance ships its metrics with the first call after VUE_APP_METRICS_INTERVAL (5 s in
 * functions/.env.local): tests keep paying until what they look for arrived, within this bound.
 */
const SHIPPED = { timeout: 20_000, interval: 500 };
const client = new CloudWatchLogsClient({
  region: 'us-east-1',
  endpoint: CW_URL,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const apiKey = /PAYMENT_API_KEY=(.*)/
  .exec(readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8'))![1]!
  .trim();

async function allMessages(): Promise<Record<string, unknown>[]> {
  const streams = (await client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }))).logStreams ?? [];
  const out: Record<string, unknown>[] = [];
  for (const s of streams) {
    const events =
      (
        await client.send(
          new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: s.logStreamName!, startFromHead: true }),
        )
      ).events ?? [];
    for (const e of events) out.push(JSON.parse(e.message!) as Record<string, unknown>);
  }
  return out;
}

async function cwFaults(faults: Record<string, unknown>) {
  const res = await fetch(`${CW_URL}/__control/faults`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.status).toBeLessThan(300);
}

describe('CloudWatch shipping from the functions', () => {
  let user: Session;
  beforeAll(async () => {
    user = await session('new');
  });
  afterAll(async () => {
    await cwFaults({ mode: 'none' });
    await user?.close();
  });

  it("puts a payment's events and an EMF record in the log group, without secrets or seals", async () => {
    const res = await user.call<{ transactionId: string; seal?: string }>('processPayment', {
      amount: 9.99,
      paymentMethod: 'digital_wallet',
    });
    // Each answer's seal goes with the next call: neither the answered nor the presented ones may be logged.
    const seals = [res.seal!];
    expect(seals[0]).toEqual(expect.any(String));
    const { messages, mine } = await vi.waitFor(async () => {
      const next = await user.call<{ seal?: string }>('processPayment', {
        amount: 1.25,
        paymentMethod: 'digital_wallet',
        seal: seals.at(-1),
      });
      if (next.seal) seals.push(next.seal);
      const all = await allMessages();
      const own = all.filter((m) => m.transactionId === res.transactionId);
      expect(own.map((m) => m.event)).toEqual(expect.arrayContaining(['payment.attempt', 'payment.completed']));
      expect(all.some((m) => typeof m._aws === 'object')).toBe(true);
      return { messages: all, mine: own };
    }, SHIPPED);
    for (const m of mine) {
      expect(typeof m.instanceId).toBe('string');
      expect(typeof m.severity).toBe('string');
      expect(m.function).toBe('processPayment');
    }
    const emf = messages.filter((m) => typeof m._aws === 'object');
    expect(emf.length).toBeGreaterThan(0);
    expect(JSON.stringify(emf)).toContain('CloudWatchMetrics');
    expect(JSON.stringify(messages)).not.toContain(apiKey);
    for (const seal of seals) expect(JSON.stringify(messages)).not.toContain(seal);
  });

  it('keeps payment results when the CloudWatch endpoint hangs, bounded by the flush budget', async () => {
    await user.call('processPayment', { amount: 1, paymentMethod: 'credit_card' }); // warm
    const t0 = Date.now();
    await user.call('processPayment', { amount: 1, paymentMethod: 'credit_card' });
    const healthyMs = Date.now() - t0;
    await cwFaults({ mode: 'hang' });
    const t1 = Date.now();
    const res = await user.call('processPayment', { amount: 1, paymentMethod: 'credit_card' });
    const hangingMs = Date.now() - t1;
    expect(res).toMatchObject({ status: 'succeeded', replayed: false });
    // CLOUDWATCH_FLUSH_BUDGET_MS is 300; allow generous slack for a shared 2-core machine.
    expect(hangingMs).toBeLessThan(healthyMs + 300 + 1500);
    await cwFaults({ mode: 'error500' });
    expect(await user.call('processPayment', { amount: 1, paymentMethod: 'credit_card' })).toMatchObject({
      status: 'succeeded',
    });
  });
});

interface MeasuredService {
  pool: { maxSockets: number; requests: number; socketsCreated: number; failures: number } | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  health: { ok: boolean | null; checkedAt: number | null; latencyMs: number | null; error?: string };
}
interface PoolStatsAnswer {
  services: Record<string, MeasuredService>;
  instances: { function: string; instanceId: string; services: Record<string, MeasuredService> }[];
}

describe('CloudWatch Logs traffic in getConnectionPoolStats', () => {
  let admin: Session, user: Session;
  beforeAll(async () => {
    [admin, user] = await Promise.all([session(USERS.admin), session('new')]);
  });
  afterAll(async () => {
    await cwFaults({ mode: 'none' });
    await Promise.all([admin, user].map((s) => s?.close()));
  });

  it('shows measured cloudwatch-logs pool numbers after a payment was logged, and checks its health', async () => {
    await cwFaults({ mode: 'none' });
    await user.call('processPayment', { amount: 3.5, paymentMethod: 'credit_card' });
    // The payment's logs are flushed after its instance published its snapshot; a later call publishes them.
    const stats = await vi.waitFor(async () => {
      await user.call('processPayment', { amount: 1.75, paymentMethod: 'credit_card' });
      const now = await admin.call<PoolStatsAnswer>('getConnectionPoolStats', { check: true });
      expect(now.services['cloudwatch-logs']?.pool?.requests).toBeGreaterThan(0);
      return now;
    }, SHIPPED);

    const cw = stats.services['cloudwatch-logs']!;
    expect(cw.pool).not.toBeNull();
    expect(cw.pool!.maxSockets).toBeGreaterThanOrEqual(10);
    expect(cw.pool!.requests).toBeGreaterThan(0);
    expect(cw.pool!.socketsCreated).toBeGreaterThan(0);
    expect(cw.latencyMs.p50).not.toBeNull();
    expect(cw.latencyMs.p50!).toBeGreaterThan(0);
    const payers = stats.instances.filter((i) => i.function === 'processPayment');
    const measured = payers.map((i) => i.services['cloudwatch-logs']?.pool?.requests ?? 0);
    expect(Math.max(...measured)).toBeGreaterThan(0);
    // Filled by `check: true` through the shipper's DescribeLogGroups health call.
    expect(cw.health).toMatchObject({ ok: true });
    expect(Date.now() - cw.health.checkedAt!).toBeLessThan(30_000);
    expect(cw.health.latencyMs).toBeGreaterThan(0);
    expect(JSON.stringify(stats)).not.toContain(apiKey);
  });
});
