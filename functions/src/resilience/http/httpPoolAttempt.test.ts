import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hasCode } from '../appError.js';
import { HttpPoolManager } from './httpPool.js';
import { closeServers, refusedUrl, rejection, startServer } from './testing/testServer.js';

let pool: HttpPoolManager;

afterEach(async () => {
  vi.useRealTimers();
  pool?.destroy();
  await closeServers();
});

describe('makeRequest deadline', () => {
  it('holds for a request queued behind maxSockets (wall clock, queue wait included)', async () => {
    const srv = await startServer((_req, res) => setTimeout(() => res.end('slow'), 400));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { maxSockets: 1 });

    const first = pool.makeRequest('psp', { url: '/slow' }, { timeoutMs: 3000 });
    const started = performance.now();
    const err = await rejection(pool.makeRequest('psp', { url: '/slow' }, { timeoutMs: 100 }));
    const elapsed = performance.now() - started;

    expect(err.code).toBe('HTTP_TIMEOUT');
    expect(err.details).toEqual({
      service: 'psp',
      timeoutMs: 100,
      waitingForSocket: true,
      queuedMs: expect.any(Number) as number,
      mayHaveReachedServer: false,
    });
    expect((err.details as { queuedMs: number }).queuedMs).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(350);
    expect(pool.stats('psp').queued).toBe(0);
    expect((await first).status).toBe(200);
    // The timed-out request never left the queue, so the server saw only one.
    expect(srv.requests()).toBe(1);
    expect(pool.stats('psp')).toMatchObject({ requests: 2, timeouts: 1, failures: 1 });
  });

  it('times out a request already sent to a server that never answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let arrived = false;
    const srv = await startServer(() => {
      arrived = true;
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { attemptTimeoutMs: 250 });

    const pending = rejection(pool.makeRequest('psp', { method: 'POST', url: '/charge', data: { amount: 100 } }));
    await vi.waitFor(() => expect(arrived).toBe(true));
    vi.advanceTimersByTime(249);
    expect(pool.stats('psp').timeouts).toBe(0);
    vi.advanceTimersByTime(1);
    const err = await pending;

    expect(err.code).toBe('HTTP_TIMEOUT');
    expect(err.details).toMatchObject({ timeoutMs: 250, waitingForSocket: false, mayHaveReachedServer: true });
    expect(pool.stats('psp')).toMatchObject({ timeouts: 1, failures: 1 });
  });
});

describe('makeRequest transport errors', () => {
  it('maps a refused connection to HTTP_CONNECTION that certainly did not reach the server', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', `http://127.0.0.1:${port}`);

    const err = await rejection(pool.makeRequest('psp', { url: '/charge' }));

    expect(err.code).toBe('HTTP_CONNECTION');
    expect(err.details).toEqual({ service: 'psp', errno: 'ECONNREFUSED', mayHaveReachedServer: false });
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(pool.stats('psp')).toMatchObject({ failures: 1, timeouts: 0, socketsCreated: 1, socketErrors: 1 });
  });

  it('maps the caller aborting to HTTP_ABORTED without counting a failure', async () => {
    let arrived = false;
    const srv = await startServer(() => {
      arrived = true;
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);
    const caller = new AbortController();

    const pending = rejection(pool.makeRequest('psp', { url: '/charge' }, { signal: caller.signal }));
    await vi.waitFor(() => expect(arrived).toBe(true));
    caller.abort();
    const err = await pending;

    expect(err.code).toBe('HTTP_ABORTED');
    expect(err.details).toEqual({ service: 'psp', mayHaveReachedServer: true });
    expect(pool.stats('psp')).toMatchObject({ requests: 1, failures: 0, latencyMs: { p50: null } });
  });

  it('does not send anything when the signal (in opts or axios config) is already aborted', async () => {
    const srv = await startServer((_req, res) => res.end());
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);

    const err = await rejection(pool.makeRequest('psp', { url: '/x', signal: AbortSignal.abort() }));

    expect(hasCode(err, 'HTTP_ABORTED')).toBe(true);
    expect(err.details).toMatchObject({ mayHaveReachedServer: false });
    expect(srv.requests()).toBe(0);
  });
  it('speaks TLS to an https base URL (plain-HTTP server: handshake fails)', async () => {
    const srv = await startServer((_req, res) => res.end('ok'));
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url.replace('http:', 'https:'));

    const err = await rejection(pool.makeRequest('psp', { url: '/' }));

    expect(err.code).toBe('HTTP_CONNECTION');
    expect(String(err.details?.errno)).toMatch(/SSL|EPROTO/);
    expect(srv.requests()).toBe(0);
  });
});

describe('makeRequest stopping a call', () => {
  it('stops a call whose deadline passes while axios is still preparing it, before anything is sent', async () => {
    const srv = await startServer((_req, res) => res.end('ok'));
    pool = new HttpPoolManager();
    const client = pool.createHttpClient('psp', srv.url);
    let prepared!: () => void;
    const interceptorDone = new Promise<void>((resolve) => (prepared = resolve));
    // A slow async request interceptor: axios reaches the transport only after 150 ms.
    client.interceptors.request.use(async (config) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      prepared();
      return config;
    });

    const err = await rejection(pool.makeRequest('psp', { url: '/charge' }, { timeoutMs: 50 }));
    expect(err.code).toBe('HTTP_TIMEOUT');
    expect(err.details).toEqual({
      service: 'psp',
      timeoutMs: 50,
      waitingForSocket: true,
      queuedMs: expect.any(Number) as number,
      mayHaveReachedServer: false,
    });
    await interceptorDone;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(srv.requests()).toBe(0);
  });

  it('times out while the response body is still arriving, and that socket is not reused', async () => {
    const srv = await startServer((req, res) => {
      if (req.url === '/slow-body') {
        res.writeHead(200);
        res.write('partial');
        return;
      }
      res.end('ok');
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);

    const err = await rejection(pool.makeRequest('psp', { url: '/slow-body' }, { timeoutMs: 100 }));
    expect(err.code).toBe('HTTP_TIMEOUT');
    expect(err.details).toEqual({
      service: 'psp',
      timeoutMs: 100,
      waitingForSocket: false,
      queuedMs: expect.any(Number) as number,
      mayHaveReachedServer: true,
    });
    expect((err.details as { queuedMs: number }).queuedMs).toBeLessThan(50);
    expect((await pool.makeRequest('psp', { url: '/ok' })).status).toBe(200);
    expect(srv.connections()).toBe(2);
    expect(pool.stats('psp')).toMatchObject({ requests: 2, timeouts: 1, failures: 1, socketsCreated: 2 });
  });

  it('aborts through a signal given in the axios config once the request was sent', async () => {
    let arrived = false;
    const srv = await startServer(() => {
      arrived = true;
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);
    const caller = new AbortController();

    const pending = rejection(pool.makeRequest('psp', { url: '/charge', signal: caller.signal }));
    await vi.waitFor(() => expect(arrived).toBe(true));
    caller.abort();
    const err = await pending;

    expect(err.code).toBe('HTTP_ABORTED');
    expect(err.details).toEqual({ service: 'psp', mayHaveReachedServer: true });
    expect(pool.stats('psp')).toMatchObject({ requests: 1, failures: 0, timeouts: 0 });
  });

  it('leaves no deadline timer and no abort listener behind, whether the call succeeds or fails', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const srv = await startServer((req, res) => {
      res.statusCode = req.url === '/fail' ? 503 : 200;
      res.end();
    });
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);
    const caller = new AbortController();
    const inConfig = new AbortController();

    expect(
      (await pool.makeRequest('psp', { url: '/ok', signal: inConfig.signal }, { signal: caller.signal })).status,
    ).toBe(200);
    expect((await pool.makeRequest('psp', { url: '/fail' }, { signal: caller.signal })).status).toBe(503);
    const refused = await refusedUrl();
    pool.createHttpClient('down', refused);
    expect((await rejection(pool.makeRequest('down', { url: '/' }, { signal: caller.signal }))).code).toBe(
      'HTTP_CONNECTION',
    );

    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(inConfig.signal, 'abort')).toHaveLength(0);
  });
});
