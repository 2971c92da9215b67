import { beforeEach, describe, expect, it } from 'vitest';
import { paymentEventSink } from '../app/subscriptions.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { useLogCapture } from '../observability/testing/logCapture.js';
import { MemoryBreakerStore } from '../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../resilience/breaker/circuitBreaker.js';
import { IncidentLog } from '../stats/incidentLog.js';
import { RejectionCounter } from '../stats/rejections.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { PaymentHandler } from './paymentHandler.js';
import type { PaymentSeals } from './paymentSeals.js';
import { ok, pay, paymentWorld, SETTINGS, timeout } from './testing/handlerKit.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';

// processPayment's sealed reads of the caller's limits (ledger/limitSeals.ts does the sealing and the
// copies; limitSeals.test.ts shows what a seal saves): the handler opens the caller's seal before
// anything reads the limits and answers with the next one, and nothing it emits carries either.

let w: ReturnType<typeof paymentWorld>;
const logged = useLogCapture();
/** What the handler asked of the seals, in order, with the payment's status in the ledger at that moment. */
let asked: string[];

beforeEach(() => {
  w = paymentWorld();
  w.ledger = new MemoryLedger(w.now, { ratePerMin: 30, burst: 2, maxInFlight: 2 });
  asked = [];
  const seals: PaymentSeals = {
    open: (uid, token) => void asked.push(`open ${uid} ${token} (${w.ledger.peek('txn_1')?.status ?? 'no record'})`),
    issue: (uid) => {
      asked.push(`issue ${uid} (${w.ledger.peek('txn_1')?.status ?? 'no record'})`);
      return `seal-of-${uid}`;
    },
  };
  w.seals = seals;
});

describe('PaymentHandler sealed reads', () => {
  it("opens the caller's seal before the claim and answers with one issued after the outcome was written", async () => {
    const { handler } = w.handlerWith([ok]);
    const result = await handler.processPayment(pay({ seal: 'seal-from-before' }), 'u1');
    expect(result).toMatchObject({ status: 'succeeded', seal: 'seal-of-u1' });
    expect(asked).toEqual(['open u1 seal-from-before (no record)', 'issue u1 (succeeded)']);
  });

  it('a replay is answered with a seal too; a call without one opens nothing', async () => {
    const { handler } = w.handlerWith([ok]);
    await handler.processPayment(pay(), 'u1');
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ replayed: true, seal: 'seal-of-u1' });
    expect(asked).toEqual(['issue u1 (succeeded)', 'issue u1 (succeeded)']);
  });

  it('a refused call answers no seal; one refused as invalid opens none', async () => {
    const { handler } = w.handlerWith([ok, ok]);
    await handler.processPayment(pay({ transactionId: 'a' }), 'u1');
    await handler.processPayment(pay({ transactionId: 'b' }), 'u1');
    asked = [];
    await expect(handler.processPayment(pay({ transactionId: 'c', seal: 's' }), 'u1')).rejects.toMatchObject({
      code: 'PAYMENT_USER_LIMITED',
    });
    await expect(handler.processPayment(pay({ amount: -1, seal: 's' }), 'u1')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(asked).toEqual(['open u1 s (no record)']);
  });

  it("nothing it logs carries a seal (its events through the runtime's log sink)", async () => {
    const sinks = {
      metrics: new MetricsAggregator({ enabled: true, intervalMs: 60_000 }),
      incidents: new IncidentLog('i-1'),
      rejections: new RejectionCounter(),
      stats: { markDirty: () => undefined },
    };
    const handler = new PaymentHandler({
      ledger: w.ledger,
      provider: new ScriptedProvider([timeout, ok]),
      breaker: new FleetCircuitBreaker('payment-service', new MemoryBreakerStore(), { minCalls: 5 }, w.now),
      settings: SETTINGS,
      seals: w.seals!,
      events: paymentEventSink(sinks, w.now),
      now: w.now,
      sleep: () => Promise.resolve(),
    });
    await handler.processPayment(pay({ seal: 'seal-from-before' }), 'u1');
    await handler.processPayment(pay({ seal: 'seal-from-before' }), 'u1');
    expect(logged.map((e) => e.event)).toEqual([
      'payment.attempt',
      'payment.attempt',
      'payment.completed',
      'payment.completed',
    ]);
    expect(JSON.stringify(logged)).not.toMatch(/seal-/);
  });

  it('without seals the answer has none', async () => {
    w.seals = undefined;
    const { handler } = w.handlerWith([ok]);
    expect(await handler.processPayment(pay({ seal: 'seal-from-before' }), 'u1')).not.toHaveProperty('seal');
  });
});
