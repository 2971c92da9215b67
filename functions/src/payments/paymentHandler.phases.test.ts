import { beforeEach, describe, expect, it } from 'vitest';
import { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import { MemoryBreakerStore, type BreakerStore } from '../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../resilience/breaker/circuitBreaker.js';
import { PaymentPhase } from './paymentEvents.js';
import type { ChargeAnswer } from './provider/paymentProvider.js';
import { found, ok, pay, paymentWorld, timeout } from './testing/handlerKit.js';

// The phases a payment measures, through the in-memory ledger and a scripted
// provider; the timer reads the world's fake clock, which scripted attempts move.

let w: ReturnType<typeof paymentWorld>;
beforeEach(() => {
  w = paymentWorld();
});

/** A scripted charge that takes `ms` of the world's clock and then answers `answer`. */
const taking = (ms: number, answer: ChargeAnswer) => () => {
  w.clock += ms;
  return answer;
};

describe('PaymentHandler phases', () => {
  it('a charge answered at once: breaker, claim, prepare, one attempt, finalize and events; no lookup, no seal', async () => {
    const { handler } = w.handlerWith([taking(40, ok)]);
    const phases = new PhaseTimer(w.now);
    await handler.processPayment(pay(), 'u1', phases);
    const ms = phases.snapshot();
    expect(Object.keys(ms).sort()).toEqual(
      [
        PaymentPhase.attempts,
        PaymentPhase.breaker,
        PaymentPhase.claim,
        PaymentPhase.events,
        PaymentPhase.finalize,
        PaymentPhase.prepare,
      ].sort(),
    );
    expect(ms[PaymentPhase.attempts]).toEqual([40]);
    expect(ms).not.toHaveProperty(PaymentPhase.lookup);
  });

  it('timeouts then a lookup: one duration per attempt and the lookup', async () => {
    const { handler, provider } = w.handlerWith(
      [taking(5000, timeout), taking(5000, timeout), taking(3000, timeout)],
      [found()],
    );
    const phases = new PhaseTimer(w.now);
    const result = await handler.processPayment(pay(), 'u1', phases);
    expect(result.status).toBe('succeeded');
    const ms = phases.snapshot();
    expect(provider.count('lookup')).toBe(1);
    expect(ms[PaymentPhase.attempts]).toEqual([5000, 5000, 3000]);
    expect(ms).toHaveProperty(PaymentPhase.lookup);
    expect(ms).toHaveProperty(PaymentPhase.finalize);
  });

  it('a replay ends after the claim: no attempt, no finalize', async () => {
    await w.handlerWith([ok]).handler.processPayment(pay(), 'u1');
    const { handler, provider } = w.handlerWith([]);
    const phases = new PhaseTimer(w.now);
    const result = await handler.processPayment(pay(), 'u1', phases);
    expect(result.replayed).toBe(true);
    expect(provider.count('charge')).toBe(0);
    expect(Object.keys(phases.snapshot()).sort()).toEqual(
      [PaymentPhase.breaker, PaymentPhase.claim, PaymentPhase.events].sort(),
    );
  });

  it('a refused payload measures nothing past the events', async () => {
    const { handler } = w.handlerWith([ok]);
    const phases = new PhaseTimer(w.now);
    await expect(handler.processPayment(pay({ amount: -1 }), 'u1', phases)).rejects.toThrow();
    expect(Object.keys(phases.snapshot())).toEqual([PaymentPhase.events]);
  });

  it("each attempt's event is in the events phase, with payment.completed", async () => {
    // Emitting payment.attempt takes 7 ms of the world's clock, payment.completed 2.
    const push = w.events.push.bind(w.events);
    w.events.push = (...seen) => {
      for (const e of seen) w.clock += e.event === 'payment.attempt' ? 7 : 2;
      return push(...seen);
    };
    const { handler } = w.handlerWith([taking(40, ok)]);
    const phases = new PhaseTimer(w.now);
    await handler.processPayment(pay(), 'u1', phases);
    const ms = phases.snapshot();
    expect(ms[PaymentPhase.events]).toBe(9);
    expect(ms[PaymentPhase.attempts]).toEqual([40]);
  });

  it("opening the caller's seal and issuing the next one are the seal phase", async () => {
    w.seals = {
      open: () => void (w.clock += 3),
      issue: () => ((w.clock += 4), 'sealed'),
    };
    const { handler } = w.handlerWith([taking(40, ok), ok]);
    const phases = new PhaseTimer(w.now);
    await expect(handler.processPayment(pay({ seal: 'from-before' }), 'u1', phases)).resolves.toMatchObject({
      seal: 'sealed',
    });
    expect(phases.snapshot()[PaymentPhase.seal]).toBe(7);
    // A call that brings no seal only issues one.
    const next = new PhaseTimer(w.now);
    await handler.processPayment(pay({ transactionId: 'txn_2' }), 'u1', next);
    expect(next.snapshot()[PaymentPhase.seal]).toBe(4);
  });

  it("reads the breaker's due refresh while the claim is written, not after it, and only once", async () => {
    const order: string[] = [];
    const memory = new MemoryBreakerStore();
    const store: BreakerStore = {
      read: (service) => (order.push('breaker read'), memory.read(service)),
      transact: (service, fn) => memory.transact(service, fn),
    };
    const claim = w.ledger.claim.bind(w.ledger);
    w.ledger.claim = (...args) => (order.push('claim'), claim(...args));
    const breaker = new FleetCircuitBreaker('payment-service', store, { minCalls: 5 }, w.now);
    const { handler } = w.handlerWith([ok], [], breaker);
    await expect(handler.processPayment(pay(), 'u1')).resolves.toMatchObject({ status: 'succeeded' });
    expect(order).toEqual(['breaker read', 'claim']);
  });
});
