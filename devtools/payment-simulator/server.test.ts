import { Agent } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultConfigError } from './faults.ts';
import type { FaultConfig } from './faults.ts';
import type { ErrorBody } from './replies.ts';
import { startPaymentSimulator } from './server.ts';
import type { ChargeRecord, LedgerSnapshot, PaymentSimulator, SimulatorStats } from './server.ts';
import { body, clientFor, errorCode, json, until } from './testKit.ts';
import type { Body } from './testKit.ts';

const API_KEY = 'test-key-123';
let sim: PaymentSimulator;

beforeEach(async () => {
  sim = await startPaymentSimulator({ port: 0, apiKey: API_KEY });
});
afterEach(async () => {
  await sim.close();
});

const { charge, get, putFaults, rawRequest } = clientFor(() => sim.url, API_KEY);

describe('charging', () => {
  it('charges once and answers a repeat with the original charge', async () => {
    const first = await charge(body('tx-1'));
    expect(first.status).toBe(201);
    const created = await json<ChargeRecord>(first);
    expect(created).toMatchObject({ status: 'succeeded', amount: 1999, currency: 'USD', transactionId: 'tx-1' });
    expect(created.id).toMatch(/^ch_/);

    const repeat = await charge(body('tx-1'));
    expect(repeat.status).toBe(200);
    expect((await json<ChargeRecord>(repeat)).id).toBe(created.id);

    const ledger = sim.ledger();
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.chargeRequests).toEqual({ 'tx-1': 2 });
  });

  it('declines amounts ending in 402 minor units and repeats the decline', async () => {
    const first = await charge(body('tx-d', 402));
    expect(first.status).toBe(402);
    const declined = await json<ChargeRecord>(first);
    expect(declined).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds' });
    const repeat = await charge(body('tx-d', 402));
    expect(repeat.status).toBe(402);
    expect((await json<ChargeRecord>(repeat)).id).toBe(declined.id);
    expect((await charge(body('tx-ok', 1402 + 1))).status).toBe(201);
    expect(sim.ledger().charges.map((c) => c.status)).toEqual(['declined', 'succeeded']);
  });

  it('answers 409 when a key is reused with different parameters', async () => {
    expect((await charge(body('tx-c', 500))).status).toBe(201);
    const conflict = await charge(body('tx-c', 501));
    expect(conflict.status).toBe(409);
    expect(await errorCode(conflict)).toBe('IDEMPOTENCY_CONFLICT');
    expect((await charge({ ...body('tx-c', 500), currency: 'EUR' })).status).toBe(409);
    expect(sim.ledger().charges).toHaveLength(1);
  });

  it('rejects a missing or wrong API key with 401 JSON', async () => {
    for (const auth of [null, 'Bearer wrong', API_KEY]) {
      const res = await charge(body('tx-a'), { auth });
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('UNAUTHORIZED');
    }
    expect((await fetch(`${sim.url}/health`)).status).toBe(401);
    expect(sim.ledger().charges).toEqual([]);
  });

  it('rejects malformed bodies and key mismatches with 400', async () => {
    const cases: Array<[Body | string, { key?: string | null }, string]> = [
      ['{not json', { key: 'tx-b' }, 'INVALID_JSON'],
      [body('tx-b', 0), {}, 'INVALID_REQUEST'],
      [body('tx-b', 10.5), {}, 'INVALID_REQUEST'],
      [{ ...body('tx-b'), currency: 'usd' }, {}, 'INVALID_REQUEST'],
      [{ ...body('tx-b'), paymentMethod: '' }, {}, 'INVALID_REQUEST'],
      [body('tx-b'), { key: 'tx-other' }, 'IDEMPOTENCY_KEY_MISMATCH'],
      [body('tx-b'), { key: null }, 'MISSING_IDEMPOTENCY_KEY'],
    ];
    for (const [payload, init, code] of cases) {
      const res = await charge(payload, init);
      expect(res.status).toBe(400);
      const { error } = await json<ErrorBody>(res);
      expect(error.code).toBe(code);
      expect(typeof error.message).toBe('string');
    }
    expect(sim.ledger().charges).toEqual([]);
  });

  it('looks a charge up by transactionId: 200 when seen, 404 otherwise', async () => {
    const created = await json<ChargeRecord>(await charge(body('tx/lookup 1')));
    const found = await get(`/charge/${encodeURIComponent('tx/lookup 1')}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual(created);
    expect((await get('/charge/never-seen')).status).toBe(404);
    expect((await get('/charge/%E0%A4%A')).status).toBe(404);
    expect((await get('/nowhere')).status).toBe(404);
    expect(sim.stats().requests).toEqual({ charge: 1, lookup: 3, refund: 0, refundLookup: 0, health: 0, other: 1 });
  });
});

describe('faults', () => {
  it('errors: errorRate 1 answers 5xx without charging', async () => {
    sim.setFaults({ mode: 'errors', errorRate: 1 });
    for (let i = 0; i < 4; i++) {
      const res = await charge(body('tx-e'));
      expect([500, 503]).toContain(res.status);
    }
    expect((await get('/health')).status).toBe(200);
    expect(sim.ledger()).toEqual({ charges: [], chargeRequests: { 'tx-e': 4 }, pendingCommits: {} });
    sim.setFaults({ mode: 'errors', errorRate: 0 });
    expect((await charge(body('tx-e'))).status).toBe(201);
  });

  it('outage: 503 on charge, lookup and health without charging', async () => {
    sim.setFaults({ mode: 'outage' });
    expect((await charge(body('tx-o'))).status).toBe(503);
    expect((await get('/charge/tx-o')).status).toBe(503);
    const health = await get('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ ok: false });
    expect(sim.ledger().charges).toEqual([]);
  });

  it("lookupFault gateway-404: lookups get an HTML 404 without the contract's code; charges are untouched", async () => {
    sim.setFaults({ mode: 'none', lookupFault: 'gateway-404' });
    expect((await charge(body('tx-g'))).status).toBe(201);
    const res = await get('/charge/tx-g');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).not.toContain('NOT_FOUND');
    sim.setFaults({ mode: 'none' });
    expect((await get('/charge/tx-g')).status).toBe(200);
    expect((await get('/charge/tx-none')).status).toBe(404);
    expect(() => sim.setFaults({ mode: 'none', lookupFault: 'teapot' } as unknown as FaultConfig)).toThrow(
      FaultConfigError,
    );
  });

  it('rate-limit: 429 with Retry-After', async () => {
    sim.setFaults({ mode: 'rate-limit', retryAfterSec: 7 });
    const res = await charge(body('tx-r'));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await errorCode(res)).toBe('RATE_LIMITED');
    expect(sim.ledger().charges).toEqual([]);
  });

  it('reset: the connection is reset and nothing is charged', async () => {
    sim.setFaults({ mode: 'reset' });
    const err = await rawRequest('/charge', false, 'POST', JSON.stringify(body('tx-raw'))).catch(
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(sim.ledger()).toEqual({ charges: [], chargeRequests: { 'tx-raw': 1 }, pendingCommits: {} });
  });

  it('hang: charge and health never answer and nothing is charged', async () => {
    sim.setFaults({ mode: 'hang' });
    // The client gives up once the simulator has the request: a timer could abort before it ever arrived.
    const controller = new AbortController();
    const held = charge(body('tx-h'), { signal: controller.signal });
    await until(() => sim.ledger().chargeRequests['tx-h'], 'tx-h received');
    controller.abort();
    await expect(held).rejects.toThrow(/timeout|aborted/i);
    await expect(get('/health', AbortSignal.timeout(100))).rejects.toThrow(/timeout|aborted/i);
    expect(sim.ledger()).toEqual({ charges: [], chargeRequests: { 'tx-h': 1 }, pendingCommits: {} });
  });

  it('commit-then-timeout: the client times out but the charge is recorded', async () => {
    sim.setFaults({ mode: 'commit-then-timeout', commitDelayMs: 5_000 });
    const controller = new AbortController();
    const held = charge(body('tx-ct'), { signal: controller.signal });
    await until(() => sim.ledger().charges.length, 'tx-ct charged');
    controller.abort();
    await expect(held).rejects.toThrow(/timeout|aborted/i);
    const lookup = await get('/charge/tx-ct');
    expect(lookup.status).toBe(200);
    const recorded = await json<ChargeRecord>(lookup);
    expect(recorded.status).toBe('succeeded');
    sim.setFaults({ mode: 'none' });
    const retry = await charge(body('tx-ct'));
    expect(retry.status).toBe(200);
    expect((await json<ChargeRecord>(retry)).id).toBe(recorded.id);
    expect(sim.ledger().charges).toHaveLength(1);
  });

  it('latency: delays provider answers', async () => {
    sim.setFaults({ mode: 'latency', latencyMs: 150 });
    const started = performance.now();
    expect((await get('/health')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('control API', () => {
  it('answers CORS preflight and sends Access-Control-Allow-Origin', async () => {
    const pre = await fetch(`${sim.url}/__control/faults`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const ledger = await fetch(`${sim.url}/__control/ledger`, { headers: { Origin: 'http://127.0.0.1:5002' } });
    expect(ledger.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5002');
  });

  it('refuses control requests from any other origin: 403, faults unchanged', async () => {
    const before: unknown = await (await fetch(`${sim.url}/__control/faults`)).json();
    const res = await fetch(`${sim.url}/__control/faults`, {
      method: 'PUT',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
      body: JSON.stringify({ mode: 'error', status: 500 }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await (await fetch(`${sim.url}/__control/faults`)).json()).toEqual(before);
  });

  it('replaces faults over HTTP and rejects nonsense with 400', async () => {
    const config: FaultConfig = { mode: 'rate-limit', retryAfterSec: 2, latencyMs: 0 };
    expect((await putFaults(config)).status).toBe(200);
    expect(await (await fetch(`${sim.url}/__control/faults`)).json()).toEqual(config);
    for (const bad of [
      { mode: 'chaos' },
      { mode: 'errors', errorRate: 2 },
      { mode: 'none', latencyMs: -1 },
      { mode: 'none', errorrate: 1 },
      [1],
    ]) {
      const res = await putFaults(bad);
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('INVALID_FAULT_CONFIG');
    }
    expect(() => sim.setFaults({ mode: 'bogus' } as unknown as FaultConfig)).toThrow(FaultConfigError);
    expect(await (await fetch(`${sim.url}/__control/faults`)).json()).toEqual(config);
  });

  it('counts TCP connections: a keep-alive agent reuses one socket', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 3; i++) expect((await rawRequest('/health', agent)).status).toBe(200);
    } finally {
      agent.destroy();
    }
    expect(sim.stats()).toMatchObject({ connectionsOpened: 1, requests: { health: 3 } });
    for (let i = 0; i < 2; i++) await rawRequest('/health', false);
    expect(sim.stats().connectionsOpened).toBe(3);
  });

  it('reset clears ledger, counters and faults', async () => {
    await charge(body('tx-z'));
    sim.setFaults({ mode: 'outage', latencyMs: 5 });
    const res = await fetch(`${sim.url}/__control/reset`, { method: 'POST' });
    expect(res.status).toBe(200);
    const ledger = await json<LedgerSnapshot>(await fetch(`${sim.url}/__control/ledger`));
    expect(ledger).toEqual({ charges: [], chargeRequests: {}, pendingCommits: {} });
    const stats = await json<SimulatorStats>(await fetch(`${sim.url}/__control/stats`));
    expect(stats.requests).toEqual({ charge: 0, lookup: 0, refund: 0, refundLookup: 0, health: 0, other: 0 });
    expect(stats.connectionsOpened).toBe(0);
    expect(await (await fetch(`${sim.url}/__control/faults`)).json()).toEqual({ mode: 'none' });
    expect((await get('/health')).status).toBe(200);
  });
});
