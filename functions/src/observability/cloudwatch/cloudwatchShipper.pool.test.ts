/**
 * The shipper's traffic as the HTTP pool manager measures it, and its health
 * check, against the local CloudWatch Logs endpoint (real HTTP, real AWS SDK).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { closeServers, refusedUrl } from '../../resilience/http/testing/testServer.js';
import { CLOUDWATCH_LOGS_SERVICE, CloudWatchShipper, type CloudWatchShipperOptions } from './cloudwatchShipper.js';
import { TestShippers, useCloudWatchLocal } from '../testing/cloudwatchLocal.js';

const SECRET_KEY = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const endpoint = useCloudWatchLocal();
let pool: HttpPoolManager;

const shippers = new TestShippers(() => ({
  logGroup: '/test/pool',
  logStream: 'stream-1',
  region: 'us-east-1',
  endpoint: endpoint().url,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET_KEY },
  retryAttempts: 0,
  flushBudgetMs: 3_000,
  httpPool: pool,
}));
const shipper = (over: Partial<CloudWatchShipperOptions> = {}) => shippers.make(over);
const stats = () => pool.stats(CLOUDWATCH_LOGS_SERVICE);
function fill(s: CloudWatchShipper, n: number): void {
  const t = Date.now() - 1000;
  for (let i = 0; i < n; i++) s.enqueue({ event: `e${i}`, timestamp: t + i });
}

beforeEach(() => {
  pool = new HttpPoolManager();
});
afterEach(async () => {
  shippers.destroyAll();
  pool.destroy();
  await closeServers();
});

describe('CloudWatch Logs traffic in the HTTP pool manager', () => {
  it('is registered as cloudwatch-logs with maxSockets at construction, before any traffic', () => {
    shipper({ maxSockets: 4 });
    expect(Object.keys(pool.allStats())).toEqual(['cloudwatch-logs']);
    expect(stats()).toMatchObject({ maxSockets: 4, requests: 0, socketsCreated: 0, latencyMs: { p50: null } });
    expect(pool.health(CLOUDWATCH_LOGS_SERVICE)).toBeNull();
  });

  it('counts every request of a flush, over one keep-alive socket, with latency', async () => {
    const s = shipper();
    fill(s, 3);
    expect(await s.flush()).toMatchObject({ sent: 3 });
    fill(s, 2);
    expect(await s.flush()).toMatchObject({ sent: 2 });

    // Put (group missing), CreateLogGroup, CreateLogStream, Put, then one more Put.
    expect(endpoint().requests()).toHaveLength(5);
    const numbers = stats();
    expect(numbers).toMatchObject({ maxSockets: 10, requests: 5, socketsCreated: 1, freeSockets: 1, failures: 0 });
    expect(numbers.latencyMs.p50).toBeGreaterThan(0);
    expect(numbers.latencyMs.p99).toBeGreaterThanOrEqual(numbers.latencyMs.p50!);
  });

  it('counts 5xx answers as failures and a request past timeoutMs as a timeout', async () => {
    const s = shipper({ timeoutMs: 100 });
    fill(s, 1);
    await s.flush();
    const before = stats();

    endpoint().setFaults({ mode: 'error500', count: 1, actions: ['PutLogEvents'] });
    fill(s, 1);
    expect(await s.flush()).toMatchObject({ sent: 0, remaining: 1 });
    expect(stats()).toMatchObject({ requests: before.requests + 1, failures: 1, timeouts: 0 });

    endpoint().setFaults({ mode: 'hang', count: 1, actions: ['PutLogEvents'] });
    expect(await s.flush()).toMatchObject({ sent: 0, remaining: 1 });
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_TIMEOUT');
    expect(stats()).toMatchObject({ requests: before.requests + 2, failures: 2, timeouts: 1 });
  });

  it('does not count a request cut by the flush budget as a failure', async () => {
    const s = shipper();
    fill(s, 1);
    await s.flush();
    endpoint().setFaults({ mode: 'hang', actions: ['PutLogEvents'] });
    fill(s, 1);

    expect(await s.flush({ budgetMs: 150 })).toMatchObject({ remaining: 1 });

    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_FLUSH_BUDGET_EXCEEDED');
    expect(stats()).toMatchObject({ requests: 5, failures: 0, timeouts: 0 });
  });

  it('measures in a private pool when none is given, and closes it on destroy', async () => {
    const s = shipper({ httpPool: undefined });
    fill(s, 1);
    expect(await s.flush()).toMatchObject({ sent: 1 });
    expect(pool.allStats()).toEqual({});
    expect((await s.checkHealth()).ok).toBe(true);
  });
});

describe('CloudWatchShipper.checkHealth', () => {
  it('makes one DescribeLogGroups call through the pool, records it there, and is not traffic', async () => {
    let guarded = 0;
    const s = shipper({ guard: { execute: (fn) => (guarded++, fn(new AbortController().signal)) } });

    const result = await s.checkHealth();

    expect(result.ok).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(result.checkedAt)).toBeLessThan(5_000);
    expect(pool.health(CLOUDWATCH_LOGS_SERVICE)).toBe(result);
    expect(
      endpoint()
        .requests()
        .map((r) => `${r.action}:${r.status}`),
    ).toEqual(['DescribeLogGroups:200']);
    expect(stats()).toMatchObject({ requests: 0, socketsCreated: 1 });
    expect(guarded).toBe(0);
  });

  it('names the problem in words: an HTTP 500, throttling, no answer in time, an unreachable endpoint', async () => {
    // Answers get a generous deadline (a loaded machine can take over 100 ms to answer); only the hang a short one.
    const s = shipper({ healthTimeoutMs: 10_000 });
    endpoint().setFaults({ mode: 'error500', count: 1, actions: ['DescribeLogGroups'] });
    const failing = await s.checkHealth();
    endpoint().setFaults({ mode: 'throttle', count: 1, actions: ['DescribeLogGroups'] });
    const throttled = await s.checkHealth();
    endpoint().setFaults({ mode: 'hang', count: 1, actions: ['DescribeLogGroups'] });
    const hanging = await shipper({ healthTimeoutMs: 100, serviceName: 'cloudwatch-hang' }).checkHealth();
    const down = await shipper({ endpoint: await refusedUrl(), serviceName: 'cloudwatch-down' }).checkHealth();

    expect(failing).toMatchObject({
      ok: false,
      error: 'CloudWatch Logs answered HTTP 500 (ServiceUnavailableException)',
    });
    expect(throttled).toMatchObject({
      ok: false,
      error: 'CloudWatch Logs is throttling requests (ThrottlingException)',
    });
    expect(hanging).toMatchObject({ ok: false, error: 'no answer within 100 ms' });
    expect(hanging.latencyMs).toBeGreaterThanOrEqual(95);
    expect(down).toMatchObject({ ok: false, error: 'CloudWatch Logs could not be reached (ECONNREFUSED)' });
    expect(pool.health('cloudwatch-down')).toBe(down);
    for (const r of [failing, throttled, hanging, down]) {
      const text = JSON.stringify(r);
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain('AKIDEXAMPLE');
      expect(text).not.toMatch(/https?:\/\//);
    }
    expect(stats()).toMatchObject({ requests: 0, failures: 0, timeouts: 0 });
  });
});
