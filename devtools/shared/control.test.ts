import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_CORS_HEADERS, controlHandler, isControlPath } from './control.ts';
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

  it('answers a preflight 204 with the CORS headers, without routing it', async () => {
    const { url, calls } = await serve(() => Promise.resolve({ status: 200, body: {} }));
    const res = await fetch(url, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    for (const [name, value] of Object.entries(CONTROL_CORS_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(calls.n).toBe(0);
  });

  it("sends the route's reply as JSON with its own headers and the CORS headers", async () => {
    const { url, calls } = await serve(() =>
      Promise.resolve({ status: 409, body: { error: { message: 'no' } }, headers: { 'X-Extra': '1' } }),
    );
    const res = await fetch(url, { method: 'PUT' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-extra')).toBe('1');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({ error: { message: 'no' } });
    expect(calls).toEqual({ n: 1, paths: ['/__control/x'] });
  });
});
