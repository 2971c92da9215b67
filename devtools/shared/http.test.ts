import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { decodeSegment, header, listen, send } from './http.ts';

describe('decodeSegment', () => {
  it.each([
    ['tx-1', 'tx-1'],
    ['a%2Fb', 'a/b'],
    ['%E2%82%AC', '€'],
    ['%', ''],
    ['%E2%82', ''],
  ])('%s -> %j', (segment, expected) => expect(decodeSegment(segment)).toBe(expected));
});

describe('listen, send and header over HTTP', () => {
  it('binds a free port, sends JSON with Content-Length, reads the first header value', async () => {
    const server = createServer((req, res) => send(res, { status: 201, body: { got: header(req, 'x-a') ?? null } }));
    const { port, host } = await listen(server);
    try {
      expect(host).toBe('127.0.0.1');
      expect(port).toBeGreaterThan(0);
      const res = await fetch(`http://${host}:${port}/`, { headers: { 'X-A': 'one' } });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-length')).toBe(String('{"got":"one"}'.length));
      expect(await res.json()).toEqual({ got: 'one' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('brackets an IPv6 host, and rejects when the port is taken', async () => {
    const a = createServer();
    const b = createServer();
    try {
      const { port, host } = await listen(a, 0, '::1');
      expect(host).toBe('[::1]');
      await expect(listen(b, port, '::1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((r) => a.close(r));
    }
  });
});
