import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpPoolManager } from './httpPool.js';
import { PoolInstrumentation, REQUEST_OUTCOME, isFailureStatus } from './httpPoolStats.js';

const servers: http.Server[] = [];
let pool: HttpPoolManager;

/** Real server on 127.0.0.1:0; records when each connection closed (server side). */
async function startServer(handler: http.RequestListener) {
  const closedAt: number[] = [];
  const server = http.createServer(handler);
  server.on('connection', (socket) => socket.on('close', () => closedAt.push(performance.now())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closedAt };
}

afterEach(async () => {
  pool?.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('free socket timeout (Node Agent `timeout` option)', () => {
  it('closes an idle keep-alive socket after freeSocketTimeoutMs', async () => {
    const srv = await startServer((_req, res) => res.end('ok'));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { freeSocketTimeoutMs: 200 });

    await pool.makeRequest('psp', { url: '/' });
    const freedAt = performance.now();
    expect(pool.stats('psp')).toMatchObject({ activeSockets: 0, freeSockets: 1, socketsClosed: 0 });
    await vi.waitFor(() => expect(srv.closedAt).toHaveLength(1), { timeout: 2000, interval: 10 });

    const idleFor = srv.closedAt[0]! - freedAt;
    expect(idleFor).toBeGreaterThanOrEqual(180);
    expect(idleFor).toBeLessThan(1000);
    expect(pool.stats('psp')).toMatchObject({ freeSockets: 0, socketsCreated: 1, socketsClosed: 1, socketErrors: 0 });
  });

  it('does not cut a busy socket whose response takes longer than freeSocketTimeoutMs', async () => {
    const srv = await startServer((_req, res) => setTimeout(() => res.end('late'), 400));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { freeSocketTimeoutMs: 150 });

    const res = await pool.makeRequest('psp', { url: '/' });

    expect(res.data).toBe('late');
    expect(pool.stats('psp')).toMatchObject({ socketsCreated: 1, socketsClosed: 0, failures: 0 });
  });
});

describe('gauges', () => {
  it('reads active, queued and free sockets from the agent', async () => {
    const seen: { activeSockets: number; queued: number }[] = [];
    const srv = await startServer((_req, res) => {
      const { activeSockets, queued } = pool.stats('psp');
      seen.push({ activeSockets, queued });
      setTimeout(() => res.end(), 20);
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { maxSockets: 2 });

    await Promise.all([1, 2, 3, 4, 5].map((i) => pool.makeRequest('psp', { url: `/${i}` })));

    expect(seen[0]).toEqual({ activeSockets: 2, queued: 3 });
    expect(Math.max(...seen.map((s) => s.activeSockets))).toBe(2);
    expect(seen.at(-1)?.queued).toBe(0);
    expect(pool.stats('psp')).toMatchObject({
      activeSockets: 0,
      queued: 0,
      freeSockets: 2,
      socketsCreated: 2,
      requests: 5,
      peakActiveSockets: 2, // the most requests in flight at once: the cap
    });
  });
});

describe('PoolInstrumentation counters', () => {
  it('counts failures, timeouts and latency by outcome, ignoring caller aborts', () => {
    const stats = new PoolInstrumentation(new http.Agent());
    stats.requestEnded(REQUEST_OUTCOME.ok, 10);
    stats.requestEnded(REQUEST_OUTCOME.failedStatus, 20);
    stats.requestEnded(REQUEST_OUTCOME.timeout, 30);
    stats.requestEnded(REQUEST_OUTCOME.connection, 40);
    stats.requestEnded(REQUEST_OUTCOME.aborted, 5000);

    expect(stats.snapshot()).toMatchObject({ failures: 3, timeouts: 1, latencyMs: { p50: 20, p99: 40 } });
  });

  it('classifies 5xx and 429 as failure statuses', () => {
    expect([200, 301, 404, 409, 429, 500, 503].filter(isFailureStatus)).toEqual([429, 500, 503]);
  });
});
