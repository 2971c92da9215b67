import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listen } from '../shared/http.ts';
import { ControlError, simulatorControl } from './client.ts';
import type { ControlSend } from './client.ts';
import { startPaymentSimulator } from './server.ts';
import type { PaymentSimulator } from './server.ts';
import { body, clientFor } from './testKit.ts';

const API_KEY = 'client-test-key';
let sim: PaymentSimulator;

beforeEach(async () => {
  sim = await startPaymentSimulator({ port: 0, apiKey: API_KEY });
});
afterEach(async () => {
  await sim.close();
});

/** The error a rejected promise carries. */
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable(),
    (e: unknown) => e,
  );

describe('simulatorControl against a running simulator', () => {
  it('reads and replaces the faults, as stored', async () => {
    const control = simulatorControl(`${sim.url}/`);
    expect(control.url).toBe(sim.url);
    expect(await control.faults()).toEqual({ mode: 'none' });
    expect(await control.setFaults({ mode: 'latency', latencyMs: 5 })).toEqual({ mode: 'latency', latencyMs: 5 });
    expect(await control.faults()).toEqual({ mode: 'latency', latencyMs: 5 });
  });

  it('reads the ledger and the counters, and resets both', async () => {
    const control = simulatorControl(sim.url);
    const { charge } = clientFor(() => sim.url, API_KEY);
    expect((await charge(body('tx-c1'))).status).toBe(201);
    expect(await control.ledger()).toEqual(sim.ledger());
    expect((await control.ledger()).chargeRequests).toEqual({ 'tx-c1': 1 });
    expect((await control.stats()).requests.charge).toBe(1);
    await control.setFaults({ mode: 'outage' });
    expect(await control.reset()).toEqual({ ok: true });
    expect(await control.ledger()).toEqual({ charges: [], chargeRequests: {}, pendingCommits: {} });
    expect((await control.stats()).requests.charge).toBe(0);
    expect(await control.faults()).toEqual({ mode: 'none' });
  });

  it("rejects an invalid config with the simulator's code and message, changing nothing", async () => {
    const control = simulatorControl(sim.url);
    const err = await rejection(control.setFaults({ mode: 'sideways' } as never));
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ code: 'INVALID_FAULT_CONFIG', status: 400 });
    expect((err as Error).message).toMatch(/^"mode" must be one of /);
    expect(await control.faults()).toEqual({ mode: 'none' });
  });

  it('sends through a given `send`', async () => {
    const seen: string[] = [];
    const send: ControlSend = (url, init) => {
      seen.push(`${init.method} ${url} ${init.body ?? ''}`);
      return fetch(url, init);
    };
    await simulatorControl(sim.url, send).setFaults({ mode: 'none' });
    expect(seen).toEqual([`PUT ${sim.url}/__control/faults {"mode":"none"}`]);
  });
});

describe('simulatorControl failures', () => {
  it('says when the simulator cannot be reached', async () => {
    const url = sim.url;
    await sim.close();
    const err = await rejection(simulatorControl(url).stats());
    expect(err).toMatchObject({ code: 'network-error', status: null });
    expect((err as Error).message).toMatch(
      new RegExp(`^Could not reach the payment simulator at ${url} \\(.+\\)\\. Is it running\\?$`),
    );
    sim = await startPaymentSimulator({ port: 0, apiKey: API_KEY });
  });

  it('falls back to http-<status> when the answer carries no error code', async () => {
    const server = createServer((_req, res) => res.writeHead(503, { 'Content-Type': 'text/plain' }).end('busy'));
    const { port, host } = await listen(server);
    try {
      const err = await rejection(simulatorControl(`http://${host}:${port}`).ledger());
      expect(err).toMatchObject({ code: 'http-503', status: 503, message: 'The payment simulator answered HTTP 503.' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
