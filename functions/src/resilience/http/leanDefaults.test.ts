import type http from 'node:http';
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { trimDefaults } from './leanDefaults.js';
import { closeServers, startServer } from './testing/testServer.js';

afterEach(closeServers);

/** What a server saw of each request: method, path, headers (raw, in order) and body. */
interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: string[];
  body: string;
}

/** A server that records each request and answers `/json`, `/text`, `/bad-json` and `/empty` as named. */
async function recordingServer(): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const answers: Record<string, [string, string]> = {
    '/json': ['application/json', '{"id":"ch_1","status":"succeeded"}'],
    '/text': ['text/plain', 'not json {'],
    '/bad-json': ['application/json', '{"id":'],
    '/empty': ['application/json', ''],
  };
  const srv = await startServer((req: http.IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.rawHeaders, body });
      const [type, text] = answers[req.url ?? ''] ?? ['text/plain', 'ok'];
      res.setHeader('Content-Type', type);
      res.end(text);
    });
  });
  return { url: srv.url, seen };
}

const CONFIG = { headers: { Authorization: 'Bearer k_test' }, proxy: false as const, maxRedirects: 0 };

const REQUESTS: AxiosRequestConfig[] = [
  { method: 'POST', url: '/json', data: { amount: 1999, currency: 'USD' }, headers: { 'Idempotency-Key': 'tx_1' } },
  { method: 'GET', url: '/text' },
  { method: 'GET', url: '/bad-json' },
  { method: 'GET', url: '/empty' },
  { method: 'PUT', url: '/other', data: 'plain body', headers: { Accept: 'text/plain' } },
];

/** Sends every request of REQUESTS through `client`: what the server saw and what axios answered. */
async function exchange(client: AxiosInstance, server: { seen: Seen[] }): Promise<{ seen: Seen[]; data: unknown[] }> {
  server.seen.length = 0;
  const data: unknown[] = [];
  for (const config of REQUESTS) data.push((await client.request(config)).data);
  return { seen: [...server.seen], data };
}

describe('trimDefaults', () => {
  it('drops the transitional copy and flattens the header buckets under the own headers', () => {
    const client = trimDefaults(
      axios.create({ ...CONFIG, headers: { Authorization: 'Bearer k_test', Accept: 'x/y' } }),
    );
    expect(client.defaults).not.toHaveProperty('transitional');
    const headers = client.defaults.headers as unknown as Record<string, unknown>;
    // The client's own Accept wins over common's, as when axios flattens the buckets per request.
    expect(headers).toEqual({ Authorization: 'Bearer k_test', Accept: 'x/y', 'Content-Type': undefined });
    expect(Object.keys(headers)).not.toContain('common');
    expect(Object.keys(headers)).not.toContain('post');
  });

  it('sends the same requests and reads the same answers as the untrimmed client', async () => {
    const server = await recordingServer();
    const plain = axios.create({ ...CONFIG, baseURL: server.url });
    const trimmed = trimDefaults(axios.create({ ...CONFIG, baseURL: server.url }));

    const before = await exchange(plain, server);
    const after = await exchange(trimmed, server);

    expect(after).toEqual(before);
    expect(before.data).toEqual([{ id: 'ch_1', status: 'succeeded' }, 'not json {', '{"id":', '', 'ok']);
    const post = before.seen[0]!.headers;
    expect(post).toContain('Bearer k_test');
    expect(post).toContain('application/json, text/plain, */*');
    expect(post).toContain('application/json');
  });

  it('leaves headers with a non-empty method bucket as they are (one method only sends it)', async () => {
    const server = await recordingServer();
    const client = axios.create({ ...CONFIG, baseURL: server.url });
    (client.defaults.headers.post as Record<string, string>)['X-Post-Only'] = '1';
    const headersBefore = client.defaults.headers;

    trimDefaults(client);

    expect(client.defaults.headers).toBe(headersBefore);
    await client.request({ method: 'GET', url: '/text' });
    await client.request({ method: 'POST', url: '/json', data: {} });
    expect(server.seen[0]!.headers).not.toContain('X-Post-Only');
    expect(server.seen[1]!.headers).toContain('X-Post-Only');
  });
});
