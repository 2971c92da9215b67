import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chargePlanFor, FaultConfigError, parseFaultConfig } from './faults.ts';
import { startPaymentSimulator } from './server.ts';
import type { ChargeRecord, PaymentSimulator, SimulatorStats } from './server.ts';
import { body, clientFor, errorCode, json, until } from './testKit.ts';

// The faults whose charge outlives or loses its answer, key retention and the in-flight peak, over real HTTP.
// The simulator runs on a clock the test moves, so commits and expiry need no sleeping.
const API_KEY = 'test-key-456';
let sim: PaymentSimulator;
let clock = 0;
const advance = (ms: number) => (clock += ms);

beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  sim = await startPaymentSimulator({ port: 0, apiKey: API_KEY, now: () => clock });
});
afterEach(async () => {
  await sim.close();
});

const { charge, get, rawCharge } = clientFor(() => sim.url, API_KEY);
const gaveUp = /timeout|aborted/i;

/** Resolves once the simulator has `n` provider requests in flight. */
async function untilInFlight(n: number): Promise<SimulatorStats> {
  for (let i = 0; i < 200; i++) {
    const stats = sim.stats();
    if (stats.inFlight === n) return stats;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never ${n} in flight: ${JSON.stringify(sim.stats())}`);
}

describe('late-commit', () => {
  it('never answers; the charge commits commitDelayMs after arrival; a repeat before that is 409 IDEMPOTENCY_KEY_IN_USE', async () => {
    sim.setFaults({ mode: 'late-commit', commitDelayMs: 10_000 });
    // The client gives up once the simulator holds the charge: a timer could abort before it ever arrived.
    const controller = new AbortController();
    const first = charge(body('tx-lc'), { signal: controller.signal });
    await until(() => sim.ledger().pendingCommits['tx-lc'], 'tx-lc held with its commit pending');
    controller.abort();
    await expect(first).rejects.toThrow(gaveUp);
    expect((await get('/charge/tx-lc')).status).toBe(404);
    const repeat = await charge(body('tx-lc'));
    expect(repeat.status).toBe(409);
    expect(await errorCode(repeat)).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(sim.ledger()).toEqual({
      charges: [],
      chargeRequests: { 'tx-lc': 2 },
      pendingCommits: { 'tx-lc': new Date(clock + 10_000).toISOString() },
    });
    advance(9_999);
    expect((await get('/charge/tx-lc')).status).toBe(404);
    advance(1);
    const found = await get('/charge/tx-lc');
    expect(found.status).toBe(200);
    const committed = await json<ChargeRecord>(found);
    expect(committed).toMatchObject({ status: 'succeeded', transactionId: 'tx-lc', amount: 1999 });
    // Once committed, a repeat replays at once, even in this mode.
    const replay = await charge(body('tx-lc'));
    expect(replay.status).toBe(200);
    expect((await json<ChargeRecord>(replay)).id).toBe(committed.id);
    expect(sim.ledger().charges).toHaveLength(1);
  });

  it('counts the commit delay from the arrival, not from the end of the latency', async () => {
    sim.setFaults({ mode: 'late-commit', commitDelayMs: 1000, latencyMs: 100 });
    const arrivedAt = clock;
    const controller = new AbortController();
    const pending = charge(body('tx-arrival'), { signal: controller.signal }).catch(() => 'gave up');
    await untilInFlight(1);
    advance(300); // the simulator's clock moves while the request sits in its latency
    await until(() => sim.ledger().pendingCommits['tx-arrival'], 'tx-arrival held with its commit pending');
    expect(sim.ledger().pendingCommits).toEqual({ 'tx-arrival': new Date(arrivedAt + 1000).toISOString() });
    controller.abort();
    expect(await pending).toBe('gave up');
  });

  it('holds the socket until the client gives up, then the request is no longer in flight', async () => {
    sim.setFaults({ mode: 'late-commit', commitDelayMs: 60_000 });
    const controller = new AbortController();
    const pending = charge(body('tx-held'), { signal: controller.signal });
    expect(await untilInFlight(1)).toMatchObject({ inFlight: 1, connectionsOpen: 1 });
    controller.abort();
    await expect(pending).rejects.toThrow(gaveUp);
    expect(await untilInFlight(0)).toMatchObject({ peakInFlight: 1 });
  });
});

describe('accepted-then-commit', () => {
  it('answers 202 processing at once and commits later; lookups 404 until then', async () => {
    sim.setFaults({ mode: 'accepted-then-commit', commitDelayMs: 3000 });
    const accepted = await charge(body('tx-ac'));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ status: 'processing' });
    expect((await get('/charge/tx-ac')).status).toBe(404);
    expect(await errorCode(await charge(body('tx-ac')))).toBe('IDEMPOTENCY_KEY_IN_USE');
    sim.setFaults({ mode: 'none' }); // a commit already accepted happens whatever the mode becomes
    expect((await charge(body('tx-ac'))).status).toBe(409);
    advance(3000);
    expect(await json<ChargeRecord>(await get('/charge/tx-ac'))).toMatchObject({ status: 'succeeded' });
    expect(sim.ledger().charges).toHaveLength(1);
  });

  it('uses the default commit delay of 15 s', async () => {
    sim.setFaults({ mode: 'accepted-then-commit' });
    expect((await charge(body('tx-d'))).status).toBe(202);
    advance(14_999);
    expect((await get('/charge/tx-d')).status).toBe(404);
    advance(1);
    expect((await get('/charge/tx-d')).status).toBe(200);
  });
});

describe('lost-response', () => {
  it('charges, then resets the connection before any byte; a repeat is reset too and charges nothing more', async () => {
    sim.setFaults({ mode: 'lost-response' });
    for (let i = 0; i < 2; i++) expect(await rawCharge('tx-lost')).toMatchObject({ code: 'ECONNRESET' });
    const { charges, chargeRequests } = sim.ledger();
    expect(charges.map((c) => [c.transactionId, c.status])).toEqual([['tx-lost', 'succeeded']]);
    expect(chargeRequests).toEqual({ 'tx-lost': 2 });
    expect(await json<ChargeRecord>(await get('/charge/tx-lost'))).toEqual(charges[0]);
    // Requests rejected before the ledger are answered: nothing was charged, nothing is lost.
    expect((await charge(body('tx-bad', 0))).status).toBe(400);
  });
});

describe('key retention (keyTtlMs, any mode)', () => {
  it('a key reused after keyTtlMs charges again with a new id; lookups show the latest charge', async () => {
    sim.setFaults({ mode: 'none', keyTtlMs: 60_000 });
    const first = await json<ChargeRecord>(await charge(body('tx-ttl')));
    advance(59_999);
    expect((await charge(body('tx-ttl'))).status).toBe(200);
    advance(1);
    const again = await charge(body('tx-ttl'));
    expect(again.status).toBe(201);
    const second = await json<ChargeRecord>(again);
    expect(second.id).not.toBe(first.id);
    expect(sim.ledger().charges.map((c) => c.id)).toEqual([first.id, second.id]);
    expect((await json<ChargeRecord>(await get('/charge/tx-ttl'))).id).toBe(second.id);
  });

  it('without keyTtlMs keys are remembered forever', async () => {
    await charge(body('tx-keep'));
    advance(365 * 86_400_000);
    expect((await charge(body('tx-keep'))).status).toBe(200);
  });
});

describe('peak of provider requests in flight', () => {
  it('counts concurrent provider requests (not control ones), and reset restarts the peak', async () => {
    sim.setFaults({ mode: 'hang' });
    const controllers = Array.from({ length: 3 }, () => new AbortController());
    const held = controllers.map((c, i) => get(`/charge/held-${i}`, c.signal).catch(() => 'gave up'));
    await untilInFlight(3);
    await fetch(`${sim.url}/__control/ledger`);
    sim.reset(); // the three are still held: the peak restarts from them
    expect(sim.stats()).toMatchObject({ inFlight: 3, peakInFlight: 3 });
    for (const c of controllers) c.abort();
    expect(await Promise.all(held)).toEqual(['gave up', 'gave up', 'gave up']);
    await untilInFlight(0);
    await Promise.all([get('/health'), get('/health')]);
    const stats = await json<SimulatorStats>(await fetch(`${sim.url}/__control/stats`));
    expect(stats).toMatchObject({ inFlight: 0, peakInFlight: 3, requests: { health: 2 } });
    await fetch(`${sim.url}/__control/reset`, { method: 'POST' });
    expect(sim.stats()).toMatchObject({ inFlight: 0, peakInFlight: 0 });
  });
});

describe('config of the new faults', () => {
  it('accepts the new modes and keyTtlMs within bounds, rejects values out of bounds', () => {
    for (const mode of ['late-commit', 'accepted-then-commit', 'lost-response'] as const) {
      expect(parseFaultConfig({ mode, commitDelayMs: 100, keyTtlMs: 0 })).toEqual({
        mode,
        commitDelayMs: 100,
        keyTtlMs: 0,
      });
    }
    for (const bad of [{ keyTtlMs: -1 }, { keyTtlMs: 604_800_001 }, { keyTtlMs: '5' }, { commitDelayMs: 600_001 }]) {
      expect(() => parseFaultConfig({ mode: 'late-commit', ...bad })).toThrow(FaultConfigError);
    }
  });

  it('plans each mode: commit now or later, and what happens to the answer', () => {
    expect(chargePlanFor({ mode: 'none' })).toEqual({ commit: 'now', answer: 'send', holdMs: 0 });
    expect(chargePlanFor({ mode: 'commit-then-timeout' })).toEqual({ commit: 'now', answer: 'send', holdMs: 15_000 });
    expect(chargePlanFor({ mode: 'lost-response', commitDelayMs: 5 })).toEqual({ commit: 'now', answer: 'reset' });
    expect(chargePlanFor({ mode: 'late-commit', commitDelayMs: 5 })).toEqual({
      commit: 'later',
      delayMs: 5,
      answer: 'hang',
    });
    expect(chargePlanFor({ mode: 'accepted-then-commit' })).toEqual({
      commit: 'later',
      delayMs: 15_000,
      answer: 'accepted',
    });
  });
});
