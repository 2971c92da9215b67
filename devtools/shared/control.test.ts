import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { CONTROL_CORS_HEADERS, controlHandler, isControlPath, isLoopbackHostHeader } from './control.ts';
import { listen } from './http.ts';

describe('isControlPath', () => {
  it.each([
    ['/__control', true],
    ['/__control/faults', true],
    ['/__control/a/b', true],
    ['/__controlx', false],
    ['/charge', false],
    ['/', false],
  ])('%s -> %s', (path, expected) => expect(isControlPath(path)).toBe(expected));
});

describe('controlHandler (answerControl) over HTTP', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A server whose every request goes to a control handler answering with `route`, recording routed paths. */
  async function serve(route: () => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>) {
    const calls = { n: 0, paths: [] as string[] };
    const handle = controlHandler((target: { n: number; paths: string[] }, _req, _method, path) => {
      target.n++;
      target.paths.push(path);
      return route();
    });
    server = createServer((req, res) => void handle(calls, req, res, req.method ?? 'GET', req.url ?? '/'));
    const { port, host } = await listen(server);
    return { url: `http://${host}:${port}/__control/x`, calls };
  }

  const SPA = 'http://127.0.0.1:5002';

  it('answers a preflight from the SPA 204 with the CORS headers for its origin, without routing it', async () => {
    const { url, calls } = await serve(() => Promise.resolve({ status: 200, body: {} }));
    const res = await fetch(url, { method: 'OPTIONS', headers: { Origin: SPA } });
    expect(res.status).toBe(204);
    for (const [name, value] of Object.entries(CONTROL_CORS_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA);
    expect(calls.n).toBe(0);
  });

  it.each(['https://evil.example', 'http://127.0.0.1:8080', 'null'])(
    'refuses a request (and its preflight) from origin %s with 403, no CORS header, nothing routed',
    async (origin) => {
      const { url, calls } = await serve(() => Promise.resolve({ status: 200, body: {} }));
      for (const method of ['OPTIONS', 'PUT', 'GET']) {
        const res = await fetch(url, { method, headers: { Origin: origin } });
        expect(res.status).toBe(403);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      }
      expect(calls.n).toBe(0);
    },
  );

  it('refuses a foreign Host header (DNS rebinding) with 403, nothing routed', async () => {
    const { url, calls } = await serve(() => Promise.resolve({ status: 200, body: {} }));
    const { hostname, port, pathname } = new URL(url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({
        hostname,
        port,
        path: pathname,
        method: 'GET',
        headers: { Host: `rebind.example:${port}` },
      });
      req
        .on('response', (res) => resolve(res.resume().statusCode))
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
    expect(calls.n).toBe(0);
  });

  it('knows loopback Host headers', () => {
    for (const h of ['127.0.0.1:8710', 'localhost', 'LOCALHOST:1', '[::1]:12111'])
      expect(isLoopbackHostHeader(h)).toBe(true);
    for (const h of [undefined, '', 'example.com', '127.0.0.1.nip.io:80', 'localhost.example.com']) {
      expect(isLoopbackHostHeader(h)).toBe(false);
    }
  });

  it("sends the route's reply as JSON with its own headers and the CORS headers", async () => {
    const { url, calls } = await serve(() =>
      Promise.resolve({ status: 409, body: { error: { message: 'no' } }, headers: { 'X-Extra': '1' } }),
    );
    const res = await fetch(url, { method: 'PUT', headers: { Origin: SPA } });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-extra')).toBe('1');
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA);
    expect(await res.json()).toEqual({ error: { message: 'no' } });
    expect(calls).toEqual({ n: 1, paths: ['/__control/x'] });
  });
});
