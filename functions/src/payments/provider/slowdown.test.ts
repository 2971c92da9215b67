import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenericProvider } from './genericProvider.js';
import { PAYMENT_SERVICE } from './paymentProvider.js';
import { closeAll, startSimulators, type SimFaults, type Simulator } from '../testing/simulatorFleet.js';
import { HttpPoolManager } from '../../resilience/http/index.js';

// A provider that has slowed down so far that no answer comes within the
// attempt deadline (it keeps working on requests their client gave up on),
// driven by 10 callers through the real pool, with the fixed cap of 10 sockets
// vs the adaptive limit. Rounds, not durations: each round is one charge per
// caller, so what is sent follows from the limit alone, never from how fast
// the machine is. The limit's arithmetic is adaptiveLimit.test.ts; the
// slowdown under load (simulator's loadLatencyMs) and the recovery are
// measured in bench section 9.

const KEY = 'slowdown-key';
const CALLERS = 10;
const TIMEOUT_MS = 400;
/** Every answer comes long after the attempt deadline. */
const SLOW: SimFaults = { mode: 'latency', latencyMs: 20 * TIMEOUT_MS };
let sims: Simulator[] = [];
beforeAll(async () => {
  sims = await startSimulators(2, KEY);
});
afterAll(() => closeAll(sims));

interface RoundResult {
  /** The limit when the round began. */
  limit: number;
  ok: number;
  /** Sent and not answered within the attempt deadline: maybe charged. */
  sentTimeouts: number;
  /** Waited for a slot (or socket) until the deadline: never sent. */
  neverSent: number;
}

async function drive(sim: Simulator, adaptive: boolean, rounds: number) {
  const http = new HttpPoolManager();
  const provider = new GenericProvider(http, {
    baseUrl: sim.url,
    apiKey: KEY,
    maxSockets: CALLERS,
    attemptTimeoutMs: TIMEOUT_MS,
    limit: { min: 2, adaptive },
  });
  const limit = () => http.limitView(PAYMENT_SERVICE)!.limit;
  const results: RoundResult[] = [];
  let n = 0;
  sim.setFaults(SLOW);
  try {
    for (let i = 0; i < rounds; i++) {
      const r: RoundResult = { limit: limit(), ok: 0, sentTimeouts: 0, neverSent: 0 };
      const caller = async () => {
        const id = `sd_${adaptive}_${n++}`;
        const req = {
          transactionId: id,
          uid: 'u',
          amount: 100,
          currency: 'USD',
          paymentMethod: 'credit_card' as const,
        };
        const a = await provider.charge(id, req, TIMEOUT_MS);
        if (a.kind === 'succeeded') r.ok++;
        else if (a.kind === 'no-answer' && a.sent) r.sentTimeouts++;
        else if (a.kind === 'no-answer') r.neverSent++;
      };
      await Promise.all(Array.from({ length: CALLERS }, caller));
      results.push(r);
    }
    return { rounds: results, endLimit: limit() };
  } finally {
    http.destroy();
  }
}

describe('adaptive concurrency limit under a provider slowdown', () => {
  it('falls while the provider is slow, sends only up to it, and times out fewer requests than the fixed cap', async () => {
    const [fixed, adaptive] = await Promise.all([drive(sims[0]!, false, 2), drive(sims[1]!, true, 2)]);
    const everySent = { ok: 0, sentTimeouts: CALLERS, neverSent: 0 };
    // The fixed cap never moves: every request is sent and left maybe-charged.
    expect(fixed.rounds).toEqual([
      { limit: CALLERS, ...everySent },
      { limit: CALLERS, ...everySent },
    ]);
    expect(fixed.endLimit).toBe(CALLERS);
    // The adaptive limit starts at the cap, so the first round is sent in full; its timeouts bring it down.
    const [first, second] = adaptive.rounds as [RoundResult, RoundResult];
    expect(first).toEqual({ limit: CALLERS, ...everySent });
    expect(second.limit).toBeLessThanOrEqual(CALLERS / 2);
    expect(second.limit).toBeGreaterThanOrEqual(2);
    // Then only `limit` requests are sent; the rest wait for a slot until their deadline and are never sent.
    expect(second).toMatchObject({ ok: 0, sentTimeouts: second.limit, neverSent: CALLERS - second.limit });
    expect(adaptive.endLimit).toBeLessThanOrEqual(second.limit);
    const maybeCharged = (d: typeof fixed) => d.rounds.reduce((sum, r) => sum + r.sentTimeouts, 0);
    expect(maybeCharged(adaptive)).toBeLessThan(maybeCharged(fixed));
  }, 20_000);
});
