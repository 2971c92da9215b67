import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpPoolManager } from './httpPool.js';

const SECRET = 'Bearer sk_live_very_secret_token_123';
const servers: http.Server[] = [];
let pool: HttpPoolManager;

/** Real server on 127.0.0.1:0 counting connections, requests and the peak of concurrent requests. */
async function startServer(handler: http.RequestListener) {
  const seen = { connections: 0, requests: 0, inFlight: 0, peakInFlight: 0, authorization: [] as string[] };
  const server = http.createServer((req, res) => {
    seen.requests++;
    seen.inFlight++;
    seen.peakInFlight = Math.max(seen.peakInFlight, seen.inFlight);
    if (req.headers.authorization) seen.authorization.push(req.headers.authorization);
    res.on('close', () => seen.inFlight--);
    handler(req, res);
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function refusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  pool?.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('HttpPoolManager connection reuse and limits', () => {
  it('serves 1,000 sequential requests over exactly one socket', async () => {
    const srv = await startServer((_req, res) => res.end('ok'));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);

    for (let i = 0; i < 1000; i++) await pool.makeRequest('psp', { url: '/ping' });

    expect(srv.seen.connections).toBe(1);
    const stats = pool.stats('psp');
    expect(stats).toMatchObject({ requests: 1000, socketsCreated: 1, socketsClosed: 0, freeSockets: 1, failures: 0 });
    expect(stats.latencyMs.p50).toBeGreaterThan(0);
  });

  it('never has more than maxSockets requests at the server', async () => {
    const srv = await startServer((_req, res) => setTimeout(() => res.end('ok'), 30));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { maxSockets: 3 });

    const responses = await Promise.all(Array.from({ length: 12 }, () => pool.makeRequest('psp', { url: '/' })));

    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(srv.seen.peakInFlight).toBe(3);
    expect(srv.seen.connections).toBe(3);
  });

  it('defaults to 10 sockets and keeps one pool per service', () => {
    pool = new HttpPoolManager();
    pool.createHttpClient('a', 'http://127.0.0.1:1');
    pool.createHttpClient('b', 'https://127.0.0.1:2', { maxSockets: 4 });

    const all = pool.allStats();
    expect(Object.keys(all)).toEqual(['a', 'b']);
    expect(all.a?.maxSockets).toBe(10);
    expect(all.b?.maxSockets).toBe(4);
  });
});

describe('HttpPoolManager responses and failures', () => {
  it('returns 4xx/5xx responses and counts only 5xx and 429 as failures', async () => {
    const srv = await startServer((req, res) => {
      res.statusCode = Number(req.url?.slice(1));
      res.end('{"error":"x"}');
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);

    const statuses = [];
    for (const code of [200, 404, 429, 500, 503])
      statuses.push((await pool.makeRequest('psp', { url: `/${code}` })).status);

    expect(statuses).toEqual([200, 404, 429, 500, 503]);
    expect(pool.stats('psp')).toMatchObject({ requests: 5, failures: 3, timeouts: 0 });
  });

  it('sends the default Authorization header but never puts it in stats or errors', async () => {
    const srv = await startServer((req, res) => {
      if (req.url === '/reset') req.socket.destroy();
      else if (req.url !== '/hang') res.end('ok');
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { headers: { Authorization: SECRET }, attemptTimeoutMs: 100 });

    await pool.makeRequest('psp', { url: '/ok' });
    const errors = await Promise.all(
      ['/hang', '/reset'].map((url) => pool.makeRequest('psp', { url }).catch((err: unknown) => err)),
    );
    await pool.checkHealth('psp');

    expect(srv.seen.authorization[0]).toBe(SECRET);
    expect(errors.map((e) => (e as { code: string }).code).sort()).toEqual(['HTTP_CONNECTION', 'HTTP_TIMEOUT']);
    const dumps = [
      JSON.stringify(pool.allStats()),
      JSON.stringify(pool.health('psp')),
      ...errors.map((e) => `${inspect(e, { depth: 20, showHidden: true })} ${JSON.stringify(e)}`),
    ];
    for (const dump of dumps) expect(dump).not.toContain('sk_live');
  });

  it('rejects unknown services and bad settings with typed errors', async () => {
    pool = new HttpPoolManager();
    await expect(pool.makeRequest('nope', { url: '/' })).rejects.toMatchObject({
      code: 'UNKNOWN_SERVICE',
      details: { service: 'nope' },
    });
    expect(() => pool.stats('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SERVICE' }));
    expect(() => pool.createHttpClient('x', 'ftp://host')).toThrow(
      expect.objectContaining({ code: 'HTTP_POOL_CONFIG' }),
    );
    expect(() => pool.createHttpClient('x', 'http://h', { maxSockets: 0 })).toThrow(
      expect.objectContaining({ code: 'HTTP_POOL_CONFIG' }),
    );
    pool.createHttpClient('x', 'http://127.0.0.1:1');
    await expect(pool.makeRequest('x', { url: '/' }, { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'HTTP_POOL_CONFIG',
    });
  });

  it('forgets services and closes their sockets on destroy', async () => {
    const srv = await startServer((_req, res) => res.end('ok'));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);
    await pool.makeRequest('psp', { url: '/' });

    pool.destroy();

    expect(pool.allStats()).toEqual({});
    await expect(pool.makeRequest('psp', { url: '/' })).rejects.toMatchObject({ code: 'UNKNOWN_SERVICE' });
  });
});

describe('HttpPoolManager health checks', () => {
  it('reports a healthy service and remembers the result', async () => {
    const srv = await startServer((req, res) => {
      res.statusCode = req.url === '/status' ? 200 : 404;
      res.end();
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { healthPath: '/status' });
    expect(pool.health('psp')).toBeNull();

    const result = await pool.checkHealth('psp');

    expect(Object.keys(result).sort()).toEqual(['checkedAt', 'latencyMs', 'ok']);
    expect(result.ok).toBe(true);
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(Date.parse(result.checkedAt)).not.toBeNaN();
    expect(pool.health('psp')).toBe(result);
    expect(pool.stats('psp').requests).toBe(0);
  });

  it('reports a failing status, a timeout and a refused connection as short codes', async () => {
    const srv = await startServer((req, res) => {
      if (req.url === '/health') {
        res.statusCode = 503;
        res.end();
      }
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('failing', srv.url);
    pool.createHttpClient('hanging', srv.url, { healthPath: '/hang', healthTimeoutMs: 100 });
    pool.createHttpClient('down', await refusedUrl());

    const [failing, hanging, down] = await Promise.all(['failing', 'hanging', 'down'].map((s) => pool.checkHealth(s)));

    expect(failing).toMatchObject({ ok: false, error: 'HTTP_503' });
    expect(hanging).toMatchObject({ ok: false, error: 'HTTP_TIMEOUT' });
    expect(hanging?.latencyMs).toBeGreaterThanOrEqual(95);
    expect(down).toMatchObject({ ok: false, error: 'HTTP_CONNECTION:ECONNREFUSED' });
    expect(pool.health('hanging')).toBe(hanging);
  });
});
