// @vitest-environment node
/// <reference types="node" />
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getFaults, setFaults, simulatorUrl } from './simulator';

type Seen = { method?: string; url?: string; contentType?: string; body: string };
let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{"mode":"none"}' };

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

// A stand-in for the simulator's control endpoint that records what it was sent.
beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  answer = { status: 200, body: '{"mode":"none"}' };
});

describe('simulator control API', () => {
  it('GETs the current fault config', async () => {
    answer = { status: 200, body: '{"mode":"errors","errorRate":0.5}' };
    await expect(getFaults(baseUrl)).resolves.toEqual({ mode: 'errors', errorRate: 0.5 });
    expect(seen).toEqual([expect.objectContaining({ method: 'GET', url: '/__control/faults' })]);
  });

  it('PUTs the config as JSON and returns the stored config', async () => {
    answer = { status: 200, body: '{"mode":"rate-limit","retryAfterSec":2}' };
    await expect(setFaults(baseUrl, { mode: 'rate-limit', retryAfterSec: 2 })).resolves.toEqual({
      mode: 'rate-limit',
      retryAfterSec: 2,
    });
    expect(seen[0]).toEqual({
      method: 'PUT',
      url: '/__control/faults',
      contentType: 'application/json',
      body: '{"mode":"rate-limit","retryAfterSec":2}',
    });
  });

  it("turns the simulator's error body into an ApiError with its code", async () => {
    answer = { status: 400, body: '{"error":{"code":"INVALID_FAULT_CONFIG","message":"\\"mode\\" must be one of …"}}' };
    await expect(setFaults(baseUrl, { mode: 'none' })).rejects.toMatchObject({
      code: 'INVALID_FAULT_CONFIG',
      message: '"mode" must be one of …',
    });
    answer = { status: 502, body: 'not json' };
    await expect(getFaults(baseUrl)).rejects.toMatchObject({ code: 'http-502' });
  });

  it('reports an unreachable simulator as network-error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(getFaults(url)).rejects.toMatchObject({ code: 'network-error' });
  });

  it('reads the URL from VITE_PAYMENT_SIMULATOR_URL, trailing slash removed', () => {
    vi.stubEnv('VITE_PAYMENT_SIMULATOR_URL', 'http://127.0.0.1:8710/');
    expect(simulatorUrl()).toBe('http://127.0.0.1:8710');
    vi.stubEnv('VITE_PAYMENT_SIMULATOR_URL', '');
    expect(simulatorUrl()).toBeNull();
    vi.unstubAllEnvs();
  });
});
