// The single retry of an idempotent request whose reused keep-alive socket was reset before any response byte.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpPoolManager } from './httpPool.js';
import { closeServers, rejection, startServer } from './testing/testServer.js';

let pool: HttpPoolManager;

afterEach(async () => {
  pool?.destroy();
  await closeServers();
});

describe('reused keep-alive socket reset', () => {
  /** Server that kills the connection of a request when `shouldKill(requests served before on that socket)`. */
  async function killingServer(shouldKill: (servedOnSocket: number) => boolean, delayMs = 0) {
    const served = new WeakMap<Socket, number>();
    return startServer((req, res) => {
      const n = served.get(req.socket) ?? 0;
      served.set(req.socket, n + 1);
      if (shouldKill(n)) req.socket.destroy();
      else setTimeout(() => res.end('ok'), delayMs);
    });
  }

  it('is retried once on a new socket, and counted', async () => {
    const srv = await killingServer((servedBefore) => servedBefore >= 1);
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);

    expect((await pool.makeRequest('psp', { url: '/a' })).status).toBe(200);
    const res = await pool.makeRequest('psp', { method: 'PUT', url: '/b', data: { amount: 1 } });

    expect(res.status).toBe(200);
    expect(srv.requests()).toBe(3);
    expect(srv.connections()).toBe(2);
    expect(pool.stats('psp')).toMatchObject({ requests: 2, reusedSocketRetries: 1, failures: 0 });
  });

  it('is not retried for a POST: the server may have processed it before the reset', async () => {
    const srv = await killingServer((servedBefore) => servedBefore >= 1);
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);
    await pool.makeRequest('psp', { url: '/a' });

    const err = await rejection(pool.makeRequest('psp', { method: 'POST', url: '/charge', data: { amount: 1 } }));

    expect(err.code).toBe('HTTP_CONNECTION');
    expect(err.details).toEqual({ service: 'psp', errno: 'ECONNRESET', mayHaveReachedServer: true });
    expect(srv.requests()).toBe(2);
    expect(pool.stats('psp')).toMatchObject({ reusedSocketRetries: 0, failures: 1 });
  });

  it('is retried at most once', async () => {
    let kill = false;
    const srv = await killingServer((servedBefore) => kill && servedBefore >= 1, 30);
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url, { maxSockets: 2 });
    await Promise.all([pool.makeRequest('psp', { url: '/a' }), pool.makeRequest('psp', { url: '/b' })]);
    expect(pool.stats('psp')).toMatchObject({ socketsCreated: 2, freeSockets: 2 });
    kill = true;

    const err = await rejection(pool.makeRequest('psp', { url: '/c' }));

    expect(err.code).toBe('HTTP_CONNECTION');
    expect(err.details).toMatchObject({ errno: 'ECONNRESET', mayHaveReachedServer: true });
    expect(srv.requests()).toBe(4);
    expect(pool.stats('psp')).toMatchObject({ reusedSocketRetries: 1, failures: 1 });
  });

  it('is not retried when the socket was new', async () => {
    const srv = await killingServer(() => true);
    pool = new HttpPoolManager();
    pool.createHttpClient('psp', srv.url);

    const err = await rejection(pool.makeRequest('psp', { method: 'POST', url: '/charge', data: {} }));

    expect(err.code).toBe('HTTP_CONNECTION');
    expect(err.details).toEqual({ service: 'psp', errno: 'ECONNRESET', mayHaveReachedServer: true });
    expect(srv.requests()).toBe(1);
    expect(pool.stats('psp')).toMatchObject({ reusedSocketRetries: 0, failures: 1 });
  });
});
