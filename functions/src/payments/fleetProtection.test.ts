import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../resilience/breaker/circuitBreaker.js';
import { HttpPoolManager } from '../resilience/http/index.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { PaymentHandler } from './paymentHandler.js';
import { GenericProvider } from './provider/genericProvider.js';

// The breaker opens for provider failures only: an instance's own trouble
// (no free socket, a stalled event loop) must not open it for the fleet.
// Real HTTP: a local provider, the real pool, breaker and handler.

let server: Server | undefined;
/** Idempotency keys of the charges the provider received. */
const received = new Set<string>();
let http: HttpPoolManager | undefined;
afterEach(async () => {
  http?.destroy();
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

/** A provider that answers every charge after `delayMs` with `status`; `stallMs` blocks this process's event loop on each charge. */
async function provider(status: number, delayMs: number, stallMs = 0) {
  let n = 0;
  received.clear();
  server = createServer((req, res) => {
    if (req.method === 'POST') received.add(String(req.headers['idempotency-key']));
    // The request has been written: a stall now is the instance's, while the provider is fine.
    const until = Date.now() + (req.method === 'POST' ? stallMs : 0);
    while (Date.now() < until);
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        n++;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        // Every payment here is 1 USD (100 cents), and a contract's charge says its money.
        const charge = { id: `ch_${n}`, status: 'succeeded', amount: 100, currency: 'USD' };
        res.end(JSON.stringify(status === 201 ? charge : { error: { code: 'DOWN' } }));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function world(baseUrl: string, attemptTimeoutMs: number) {
  http = new HttpPoolManager();
  const store = new MemoryBreakerStore();
  const breaker = new FleetCircuitBreaker('payment-service', store, { minCalls: 2, failureThreshold: 50 });
  const ledger = new MemoryLedger();
  const handler = new PaymentHandler({
    ledger,
    provider: new GenericProvider(http, { baseUrl, apiKey: 'k', maxSockets: 1, attemptTimeoutMs }),
    breaker,
    settings: {
      attemptTimeoutMs,
      attempts: 1,
      totalTimeoutMs: attemptTimeoutMs + 500,
      maxAmount: 1000,
      settleMs: 60_000,
      idempotencyTtlMs: 86_400_000,
    },
  });
  return { handler, breaker, ledger };
}

const pay = (i: number) => ({ amount: 1, paymentMethod: 'credit_card' as const, transactionId: `fp_${i}` });

describe('fleet protection: only provider failures open the breaker', () => {
  it('requests that never got a socket are not provider failures, and are recorded as not charged', async () => {
    const { handler, breaker, ledger } = world(await provider(201, 250), 600);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => handler.processPayment(pay(i), 'u1')));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThan(6); // the rest waited for the single socket past their deadline
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', windowFailureRate: 0 });
    const neverSent = [0, 1, 2, 3, 4, 5].map((i) => `fp_${i}`).filter((id) => !received.has(id));
    expect(neverSent.length).toBeGreaterThan(0);
    for (const id of neverSent) expect(await ledger.get(id)).toMatchObject({ status: 'failed' }); // certainly not charged
    for (const id of received) expect((await ledger.get(id))?.status).not.toBe('failed');
  });

  it('an event-loop stall that outlasts the deadline of a sent request is not a provider failure', async () => {
    const { handler, breaker, ledger } = world(await provider(201, 20, 700), 400);
    const err = await handler.processPayment(pay(100), 'u1').catch((e: unknown) => e);
    expect(received.has('fp_100')).toBe(true);
    // It may have been charged: looked up, never recorded as not charged.
    expect(err).toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    expect((await ledger.get('fp_100'))?.status).not.toBe('failed');
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', windowCalls: 0 });
  });

  it('a real provider outage still opens the breaker', async () => {
    const { handler, breaker } = world(await provider(503, 0), 600);
    for (let i = 0; i < 4; i++) await handler.processPayment(pay(200 + i), 'u1').catch(() => undefined);
    expect(breaker.snapshot().state).toBe('open');
  });
});
