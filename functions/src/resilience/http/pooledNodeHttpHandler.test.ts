// An AWS SDK v3 client on a pool's agent (registerAgent + PooledNodeHttpHandler), against real local servers.
import type http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { HttpPoolManager, type HealthProbe } from './httpPool.js';
import { PooledNodeHttpHandler, sdkRequestOutcome } from './pooledNodeHttpHandler.js';
import { closeServers, refusedUrl, rejection, startServer } from './testing/testServer.js';

const clients: CloudWatchLogsClient[] = [];
let pool: HttpPoolManager;

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  pool?.destroy();
  await closeServers();
});

/** Answers like CloudWatch Logs: 200 with an empty list, or `status` with a JSON 1.1 error body. */
function answer(res: http.ServerResponse, status = 200): void {
  const body = status === 200 ? { logGroups: [] } : { __type: 'ServiceUnavailableException', message: 'down' };
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}

/** A real SDK client whose requests go through `pool`'s agent registered as 'logs'. */
function sdkClient(endpoint: string, options: { maxSockets?: number; healthProbe?: HealthProbe } = {}) {
  const pooled = pool.registerAgent('logs', { protocol: 'http:', ...options });
  const client = new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new PooledNodeHttpHandler(pooled),
  });
  clients.push(client);
  const describe = (abortSignal?: AbortSignal) =>
    client.send(new DescribeLogGroupsCommand({ limit: 1 }), { abortSignal });
  return { client, describe };
}

describe('registerAgent + PooledNodeHttpHandler: what the pool measures', () => {
  it('counts every SDK request, its keep-alive socket and its latency', async () => {
    const srv = await startServer((_req, res) => answer(res));
    pool = new HttpPoolManager();
    const { describe } = sdkClient(srv.url, { maxSockets: 3 });

    for (let i = 0; i < 5; i++) await describe();

    expect(srv.requests()).toBe(5);
    expect(srv.connections()).toBe(1);
    const stats = pool.stats('logs');
    expect(stats).toMatchObject({ maxSockets: 3, requests: 5, socketsCreated: 1, freeSockets: 1, failures: 0 });
    expect(stats.latencyMs.p50).toBeGreaterThan(0);
    expect(Object.keys(pool.allStats())).toEqual(['logs']);
  });

  it('never has more than maxSockets SDK requests at the server', async () => {
    let inFlight = 0;
    let peak = 0;
    const srv = await startServer((_req, res) => {
      peak = Math.max(peak, ++inFlight);
      setTimeout(() => {
        inFlight--;
        answer(res);
      }, 30);
    });
    pool = new HttpPoolManager();
    const { describe } = sdkClient(srv.url, { maxSockets: 2 });

    await Promise.all(Array.from({ length: 6 }, () => describe()));

    expect(peak).toBe(2);
    expect(srv.connections()).toBe(2);
    expect(pool.stats('logs')).toMatchObject({ requests: 6, socketsCreated: 2, queued: 0 });
  });

  it('counts 5xx and 429 answers as failures and other 4xx as answers', async () => {
    const statuses = [500, 429, 400, 200];
    const srv = await startServer((_req, res) => answer(res, statuses.shift()));
    pool = new HttpPoolManager();
    const { describe } = sdkClient(srv.url);

    const outcomes = [];
    for (let i = 0; i < 4; i++)
      outcomes.push(
        await describe().then(
          () => 200,
          (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode,
        ),
      );

    expect(outcomes).toEqual([500, 429, 400, 200]);
    expect(pool.stats('logs')).toMatchObject({ requests: 4, failures: 2, timeouts: 0 });
  });

  it('counts a deadline abort as a timeout and a caller abort as neither failure nor latency', async () => {
    let arrived = 0;
    const srv = await startServer(() => arrived++);
    pool = new HttpPoolManager();
    const { describe } = sdkClient(srv.url);

    expect((await rejection(describe(AbortSignal.timeout(100)))).name).toBe('AbortError');
    expect(pool.stats('logs')).toMatchObject({ requests: 1, timeouts: 1, failures: 1 });
    const p50 = pool.stats('logs').latencyMs.p50;
    // The 100 ms signal starts before the SDK's middleware reaches the pool, which on a loaded machine
    // takes several ms: the recorded latency is most of the deadline, not all of it.
    expect(p50).toBeGreaterThanOrEqual(50);

    const caller = new AbortController();
    const pending = rejection(describe(caller.signal));
    await vi.waitFor(() => expect(arrived).toBe(2));
    caller.abort();
    expect((await pending).name).toBe('AbortError');
    expect(pool.stats('logs')).toMatchObject({ requests: 2, timeouts: 1, failures: 1, latencyMs: { p50 } });
  });

  it('counts a refused connection and a reset connection as failures, not timeouts', async () => {
    pool = new HttpPoolManager();
    const down = sdkClient(await refusedUrl());
    expect((await rejection(down.describe())).message).toMatch(/ECONNREFUSED/);
    expect(pool.stats('logs')).toMatchObject({ requests: 1, failures: 1, timeouts: 0, socketErrors: 1 });

    const srv = await startServer((req) => req.socket.destroy());
    const reset = sdkClient(srv.url); // registers 'logs' again: fresh numbers
    await rejection(reset.describe());
    expect(pool.stats('logs')).toMatchObject({ requests: 1, failures: 1, timeouts: 0 });
  });

  it('refuses a request of the other protocol instead of sending it unmeasured', async () => {
    const srv = await startServer((_req, res) => answer(res));
    pool = new HttpPoolManager();
    const pooled = pool.registerAgent('logs', { protocol: 'https:' });
    const client = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: srv.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: new PooledNodeHttpHandler(pooled),
    });
    clients.push(client);

    const err = await rejection(client.send(new DescribeLogGroupsCommand({})));

    expect(err.code).toBe('HTTP_POOL_CONFIG');
    expect(err.message).toContain('http: request');
    expect(srv.requests()).toBe(0);
  });

  it('leaves the agent and its sockets to the pool when an SDK client is destroyed', async () => {
    const srv = await startServer((_req, res) => answer(res));
    pool = new HttpPoolManager();
    const pooled = pool.registerAgent('logs', { protocol: 'http:' });
    const build = () =>
      new CloudWatchLogsClient({
        region: 'us-east-1',
        endpoint: srv.url,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        requestHandler: new PooledNodeHttpHandler(pooled),
      });
    const first = build();
    await first.send(new DescribeLogGroupsCommand({}));

    first.destroy();
    const second = build();
    clients.push(second);
    await second.send(new DescribeLogGroupsCommand({}));

    expect(srv.connections()).toBe(1);
    expect(pool.stats('logs')).toMatchObject({ requests: 2, socketsCreated: 1, socketsClosed: 0 });
  });
});

describe('registerAgent health checks', () => {
  it('runs the probe through the agent, keeps its result and does not count it as a request', async () => {
    const srv = await startServer((_req, res) => answer(res));
    pool = new HttpPoolManager();
    let describe: (s?: AbortSignal) => Promise<unknown> = () => Promise.reject(new Error('not built yet'));
    ({ describe } = sdkClient(srv.url, { healthProbe: (signal) => describe(signal).then(() => undefined) }));
    expect(pool.health('logs')).toBeNull();

    const result = await pool.checkHealth('logs');

    expect(result.ok).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(pool.health('logs')).toBe(result);
    expect(srv.requests()).toBe(1);
    expect(pool.stats('logs')).toMatchObject({ requests: 0, socketsCreated: 1 });
  });

  it('reports the probe words, and no answer within healthTimeoutMs, and aborts the probe at its deadline', async () => {
    pool = new HttpPoolManager();
    let probeSignal: AbortSignal | undefined;
    pool.registerAgent('words', { protocol: 'https:', healthProbe: () => Promise.resolve('the service is sad') });
    pool.registerAgent('silent', {
      protocol: 'https:',
      healthTimeoutMs: 80,
      healthProbe: (signal) => {
        probeSignal = signal;
        return new Promise(() => {});
      },
    });

    const [words, silent] = await Promise.all([pool.checkHealth('words'), pool.checkHealth('silent')]);

    expect(words).toMatchObject({ ok: false, error: 'the service is sad' });
    expect(silent).toMatchObject({ ok: false, error: 'no answer within 80 ms' });
    expect(silent.latencyMs).toBeGreaterThanOrEqual(75);
    expect(probeSignal?.aborted).toBe(true);
  });

  it('refuses makeRequest and a health check without a probe for registered agents', async () => {
    pool = new HttpPoolManager();
    pool.registerAgent('logs', { protocol: 'http:' });
    await expect(pool.makeRequest('logs', { url: '/' })).rejects.toMatchObject({ code: 'HTTP_POOL_CONFIG' });
    await expect(pool.checkHealth('logs')).rejects.toMatchObject({ code: 'HTTP_POOL_CONFIG' });
    expect(() => pool.registerAgent('bad', { protocol: 'http:', maxSockets: 0 })).toThrow(
      expect.objectContaining({ code: 'HTTP_POOL_CONFIG' }),
    );
  });
});

describe('sdkRequestOutcome', () => {
  const aborted = (reason: unknown) => {
    const c = new AbortController();
    c.abort(reason);
    return c.signal;
  };

  it('tells deadlines, caller aborts and broken connections apart', () => {
    const abortError = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(sdkRequestOutcome(abortError, AbortSignal.abort())).toBe('aborted');
    expect(sdkRequestOutcome(abortError, aborted(new DOMException('late', 'TimeoutError')))).toBe('timeout');
    expect(sdkRequestOutcome(abortError, undefined)).toBe('aborted');
    // The SDK's handler renames ECONNRESET and EPIPE to TimeoutError although no deadline passed.
    const reset = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
    expect(sdkRequestOutcome(reset, undefined)).toBe('connection');
    const ownTimeout = Object.assign(new Error('requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(sdkRequestOutcome(ownTimeout, undefined)).toBe('timeout');
    expect(sdkRequestOutcome(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), undefined)).toBe('connection');
  });
});
