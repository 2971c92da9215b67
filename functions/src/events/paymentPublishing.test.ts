/**
 * Events for other systems on the payment path, as runtime.ts wires them: the
 * handler's events go to their logging sink and to the publishing subscriber;
 * the end-of-call work (app/housekeeping.ts) waits for the publishes before
 * the answer leaves. A publish that fails or hangs changes neither the
 * payment nor its answer, and delays the call by at most its bound.
 */
import { describe, expect, it } from 'vitest';
import { PublishedEventType } from '../api/index.js';
import { completeCall, HousekeepingPhase } from '../app/housekeeping.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import { ISO_4217_MONEY } from '../payments/iso4217.js';
import { PaymentHandler } from '../payments/paymentHandler.js';
import { FleetCircuitBreaker } from '../resilience/breaker/circuitBreaker.js';
import { ok, pay, paymentWorld, SETTINGS } from '../payments/testing/handlerKit.js';
import { ScriptedProvider } from '../payments/testing/scriptedProvider.js';
import { publishCounts } from './testing/publishKit.js';
import { EventPublisher, type OutgoingEvent, type PublishPort } from './eventPublisher.js';
import { publishingSink } from './publishedEvents.js';
import { useLogCapture } from '../observability/testing/logCapture.js';

const logged = useLogCapture();

/** One payment of `pay()` through a handler whose events are published through `port`, ended like every call. */
async function payThrough(port: PublishPort, timeoutMs = 1000) {
  const w = paymentWorld();
  const metrics = new MetricsAggregator({ enabled: true, intervalMs: 1 });
  const publisher = new EventPublisher({ port, timeoutMs, metrics });
  const subscriber = publishingSink(publisher, ISO_4217_MONEY);
  const handler = new PaymentHandler({
    ledger: w.ledger,
    provider: new ScriptedProvider([ok]),
    breaker: new FleetCircuitBreaker('payment-service', w.store, { minCalls: 5 }, w.now),
    settings: SETTINGS,
    now: w.now,
    events: subscriber,
  });
  const phases = new PhaseTimer();
  const started = Date.now();
  const answer = await handler.processPayment(pay(), 'u1', phases);
  const rt = {
    cfg: { CLOUDWATCH_FLUSH_BUDGET_MS: 300 },
    metrics,
    stats: { publishIfDue: () => Promise.resolve(false) },
    shipper: null,
  };
  await completeCall({ ...rt, events: publisher }, phases, {
    callable: 'processPayment',
    uid: 'u1',
    outcome: 'ok',
    durationMs: 1,
  });
  const completed = logged.find((e) => e.event === 'call.completed')!;
  return { answer, record: await w.record(), metrics, completed, tookMs: Date.now() - started };
}

describe('publishing a payment', () => {
  it('payment.succeeded reaches the port before the call ends, its wait timed as the eventarc phase', async () => {
    const sent: OutgoingEvent[] = [];
    const r = await payThrough((e) => {
      sent.push(e);
      return new Promise((land) => setTimeout(land, 20));
    });
    expect(sent.map((e) => [e.type, e.subject, e.data.uid, e.data.amount, e.data.amountMinor])).toEqual([
      [PublishedEventType.paymentSucceeded, 'txn_1', 'u1', 25.99, 2599],
    ]);
    expect((r.completed.phasesMs as Record<string, number>)[HousekeepingPhase.eventarc]).toBeGreaterThanOrEqual(15);
    expect(publishCounts(r.metrics)).toEqual([`${PublishedEventType.paymentSucceeded} published:1`]);
  });

  it('a failing or hanging Eventarc changes neither the payment nor its answer; a hang costs at most its bound', async () => {
    const fine = await payThrough(() => Promise.resolve());
    const failing = await payThrough(() => Promise.reject(new Error('Unexpected response with status: 503.')));
    const hanging = await payThrough(() => new Promise<void>(() => undefined), 50);
    for (const r of [failing, hanging]) {
      expect(r.answer).toEqual(fine.answer);
      expect(r.record).toEqual(fine.record);
    }
    expect(hanging.tookMs).toBeGreaterThanOrEqual(45);
    expect(hanging.tookMs).toBeLessThan(1000);
    const failed = logged.filter((e) => e.event === 'events.publish_failed').map((e) => e.outcome);
    expect(failed).toEqual(['failed', 'timeout']);
    // Logged before the call's own line, so the call's flush ships it.
    const order = logged.map((e) => e.event).filter((e) => e !== 'payment.completed' && e !== 'payment.attempt');
    expect(order).toEqual([
      'call.completed',
      'events.publish_failed',
      'call.completed',
      'events.publish_failed',
      'call.completed',
    ]);
    expect(publishCounts(failing.metrics)).toEqual([`${PublishedEventType.paymentSucceeded} failed:1`]);
  });
});
