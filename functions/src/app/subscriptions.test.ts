import { describe, expect, it } from 'vitest';
import { addLogSink, type StructuredEvent } from '../observability/logs/logger.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { BreakerRegistry } from '../resilience/breaker/breakerRegistry.js';
import { MemoryBreakerStore } from '../resilience/breaker/breakerStore.js';
import { IncidentLog } from '../stats/incidentLog.js';
import { RejectionCounter } from '../stats/rejections.js';
import { ThrottledLog } from '../observability/logs/throttledLog.js';
import {
  appCheckEventSink,
  endpointEventSink,
  limitChangeSink,
  paymentEventSink,
  subscribeBreakers,
  webhookEventSink,
} from './subscriptions.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function setup() {
  const clock = { t: T0 };
  const now = () => clock.t;
  const metrics = new MetricsAggregator({ enabled: true, intervalMs: 60_000, now: T0 });
  const incidents = new IncidentLog('i-1');
  let dirty = 0;
  const rejections = new RejectionCounter();
  const sinks = { metrics, incidents, rejections, stats: { markDirty: () => void (dirty += 1) } };
  return { clock, now, metrics, incidents, rejections, sinks, dirty: () => dirty };
}

describe('subscribeBreakers', () => {
  it('keeps transitions in the incident log, marks the snapshot dirty and times each state', async () => {
    const s = setup();
    const registry = new BreakerRegistry(new MemoryBreakerStore(), { minCalls: 1, failureThreshold: 50 }, s.now);
    registry.register('payment-service');
    subscribeBreakers(registry, s.sinks, s.now);
    s.clock.t += 1000;
    await registry
      .get('payment-service')
      .execute(
        () => Promise.reject(new Error('503')),
        () => 'failure',
      )
      .catch(() => undefined);
    s.clock.t += 4000;
    await registry.reset('payment-service');
    const events = s.incidents.recent(s.clock.t);
    expect(events.map((e) => [e.kind, e.subject, e.summary])).toEqual([
      ['breaker-transition', 'payment-service', 'closed -> open (failure-rate, 100 % of 1 calls failed)'],
      ['breaker-transition', 'payment-service', 'open -> closed (reset)'],
    ]);
    expect(s.dirty()).toBe(2);
    s.clock.t = T0 + 60_000;
    const time = s.metrics.drain(T0 + 60_000).filter((e) => 'BreakerStateTime' in e);
    expect(Object.fromEntries(time.map((e) => [e.State, e.BreakerStateTime]))).toEqual({
      closed: 1000 + 55_000,
      open: 4000,
    });
  });
});

describe('paymentEventSink', () => {
  it('counts refusals by reason, attempt latency per endpoint and latency per outcome', () => {
    const s = setup();
    const sink = paymentEventSink(s.sinks, s.now);
    const refused = { type: 'payment.attempt', severity: 'WARNING', attempt: 0, outcome: 'breaker-open' } as const;
    sink({ ...refused, transactionId: 't1' });
    sink({
      type: 'payment.attempt',
      severity: 'INFO',
      transactionId: 't2',
      attempt: 1,
      outcome: 'succeeded',
      durationMs: 30,
      service: 'payment-service',
    });
    sink({
      type: 'payment.completed',
      severity: 'WARNING',
      transactionId: 't3',
      outcome: 'PAYMENT_USER_LIMITED',
      latencyMs: 5,
      reason: 'user-rate',
    });
    const completed = { type: 'payment.completed', severity: 'WARNING' } as const;
    sink({ ...completed, transactionId: 't4', outcome: 'PAYMENT_RATE_LIMITED', latencyMs: 900 });
    sink({ ...completed, severity: 'INFO', transactionId: 't5', outcome: 'succeeded', latencyMs: 120, attempts: 1 });
    sink({ ...refused, transactionId: 't6' });
    expect(s.dirty()).toBe(3); // one publish per new reason and minute, not per refusal
    expect(s.rejections.snapshot()).toMatchObject({ 'user-rate': 1, 'user-in-flight': 0 });
    expect(s.incidents.recent(s.clock.t).map((e) => [e.subject, e.count])).toEqual([
      ['breaker-open', 2],
      ['user-rate', 1],
      ['provider-rate-limit', 1],
    ]);
    const events = s.metrics.drain(T0 + 60_000);
    const reasons = events.filter((e) => 'PaymentRejections' in e).map((e) => e.Reason);
    expect(reasons).toEqual(['breaker-open', 'user-rate', 'provider-rate-limit']);
    expect(events.find((e) => e.Reason === 'breaker-open')).toMatchObject({ PaymentRejections: 2 });
    expect(events.find((e) => 'EndpointLatency' in e)).toMatchObject({ Endpoint: 'endpoint-1', EndpointLatency: [30] });
    expect(events.find((e) => e.Outcome === 'succeeded')).toMatchObject({ PaymentLatency: [120] });
  });
});

describe('paymentEventSink logs', () => {
  it('each event under its type with its own fields and severity, and nothing of the envelope', () => {
    const s = setup();
    const seen: StructuredEvent[] = [];
    const detach = addLogSink((e) => seen.push(e));
    try {
      const sink = paymentEventSink(s.sinks, s.now);
      sink({ type: 'payment.claim_lost', severity: 'ERROR', transactionId: 't1', status: 'unknown', written: false });
      const mismatch = {
        type: 'payment.charge_mismatch',
        severity: 'ERROR',
        transactionId: 't2',
        chargeId: 'ch_2',
      } as const;
      sink({ ...mismatch, source: 'reconcile' });
      sink({
        type: 'payment.late_success',
        severity: 'ERROR',
        transactionId: 't3',
        stored: 'declined',
        source: 'reconcile',
      });
      sink({ type: 'payments.reconcile_report_failed', severity: 'WARNING', error: new Error('down') });
    } finally {
      detach();
    }
    expect(seen.map((e) => [e.event, e.severity])).toEqual([
      ['payment.claim_lost', 'ERROR'],
      ['payment.charge_mismatch', 'ERROR'],
      ['payment.late_success', 'ERROR'],
      ['payments.reconcile_report_failed', 'WARNING'],
    ]);
    expect(seen[0]).toMatchObject({
      service: 'payment-service',
      transactionId: 't1',
      status: 'unknown',
      written: false,
    });
    expect(seen[1]).toMatchObject({ transactionId: 't2', chargeId: 'ch_2', source: 'reconcile' });
    for (const e of seen) expect(Object.keys(e)).not.toContain('type');
    const events = s.metrics.drain(T0 + 60_000);
    const incidents = events.filter((e) => 'LedgerIncidents' in e).map((e) => [e.Incident, e.LedgerIncidents]);
    expect(incidents).toEqual([
      ['lostClaims', 1],
      ['mismatches', 1],
      ['lateSuccesses', 1],
    ]);
  });
});

describe('endpointEventSink and limitChangeSink', () => {
  it('puts ejections on the timeline one by one, with their metric, and publishes soon', () => {
    const s = setup();
    const sink = endpointEventSink(s.sinks, 'payment-service', s.now);
    sink({ kind: 'ejected', endpoint: 'endpoint-2', untilMs: T0 + 30_000, ejections: 1, consecutiveFailures: 5 });
    sink({ kind: 'ejection-skipped', endpoint: 'endpoint-1', consecutiveFailures: 5 });
    sink({ kind: 'ejection-skipped', endpoint: 'endpoint-1', consecutiveFailures: 6 });
    s.clock.t += 30_000;
    sink({ kind: 'returned', endpoint: 'endpoint-2' });
    expect(s.incidents.recent(s.clock.t).map((e) => [e.kind, e.subject, e.count])).toEqual([
      ['ejection', 'payment-service/endpoint-2', 1],
      ['ejection', 'payment-service/endpoint-1', 2],
      ['ejection', 'payment-service/endpoint-2', 1],
    ]);
    expect(s.incidents.recent(s.clock.t)[0]!.summary).toContain('ejected after 5 failures in a row (ejection 1)');
    expect(s.dirty()).toBe(3);
    const events = s.metrics.drain(T0 + 60_000);
    expect(events.find((e) => 'EndpointEjections' in e)).toMatchObject({
      Endpoint: 'endpoint-2',
      EndpointEjections: 1,
    });
  });

  it('counts limit changes per minute on the timeline and every one as a metric', () => {
    const s = setup();
    const sink = limitChangeSink(s.sinks, 'payment-service');
    sink({ at: T0, from: 20, to: 10, reason: 'latency' });
    sink({ at: T0 + 100, from: 10, to: 11, reason: 'recovering' });
    sink({ at: T0 + 200, from: 11, to: 11, reason: 'steady' });
    const [entry] = s.incidents.recent(T0 + 1000);
    expect(entry).toMatchObject({ kind: 'limit-change', subject: 'payment-service', count: 2 });
    expect(entry!.summary).toBe('limit 10 -> 11 (recovering)');
    expect(s.dirty()).toBe(1);
    const changes = s.metrics.drain(T0 + 60_000).filter((e) => 'ConcurrencyLimitChanges' in e);
    expect(changes.map((e) => e.Direction)).toEqual(['down', 'up']);
  });
});

describe('appCheckEventSink', () => {
  it('counts App Check refusals of any callable by reason, one publish per new reason and minute', () => {
    const s = setup();
    const sink = appCheckEventSink(s.sinks, new ThrottledLog(() => undefined, 60_000, s.now), s.now);
    sink('appcheck.rejected', { callable: 'processPayment', reason: 'app-check-missing' });
    sink('appcheck.rejected', { callable: 'getConnectionPoolStats', reason: 'app-check-missing' });
    sink('appcheck.rejected', { callable: 'processPayment', reason: 'app-check-invalid' });
    expect(s.dirty()).toBe(2);
    expect(s.rejections.snapshot()).toMatchObject({ 'app-check-missing': 2, 'app-check-invalid': 1 });
    expect(s.incidents.recent(s.clock.t).map((e) => [e.subject, e.count, e.summary])).toEqual([
      ['app-check-missing', 2, 'calls refused: app-check-missing'],
      ['app-check-invalid', 1, 'calls refused: app-check-invalid'],
    ]);
    const events = s.metrics.drain(T0 + 60_000).filter((e) => 'PaymentRejections' in e);
    expect(events.map((e) => [e.Reason, e.PaymentRejections])).toEqual([
      ['app-check-missing', 2],
      ['app-check-invalid', 1],
    ]);
  });
});

describe('appCheckEventSink logs', () => {
  it('a flood of refusals is one line per callable, reason and interval, with its count; every one is counted', () => {
    const s = setup();
    const lines: { event: string; fields: Record<string, unknown> }[] = [];
    const log = new ThrottledLog((event, fields) => lines.push({ event, fields }), 60_000, s.now);
    const sink = appCheckEventSink(s.sinks, log, s.now);
    for (let i = 0; i < 500; i++) {
      s.clock.t += 10;
      sink('appcheck.rejected', { callable: 'processPayment', reason: 'app-check-missing' });
    }
    expect(lines).toEqual([
      {
        event: 'appcheck.rejected',
        fields: { callable: 'processPayment', reason: 'app-check-missing', count: 1, intervalMs: 60_000 },
      },
    ]);
    expect(s.rejections.snapshot()).toMatchObject({ 'app-check-missing': 500 });
    s.clock.t += 60_000;
    sink('appcheck.rejected', { callable: 'processPayment', reason: 'app-check-missing' });
    expect(lines[1]?.fields).toMatchObject({ count: 500 });
  });
});

describe('webhookEventSink', () => {
  it('logs each event under its type, throttles refusals, and meters the ledger incidents it counts', () => {
    const s = setup();
    const seen: StructuredEvent[] = [];
    const refusals: string[] = [];
    const detach = addLogSink((e) => seen.push(e));
    try {
      const sink = webhookEventSink(s.metrics, new ThrottledLog((event) => refusals.push(event), 60_000, s.now));
      const orphan = { paymentIntent: 'pi_9', amount: 500, currency: 'usd', eventId: 'evt_1' } as const;
      sink({
        type: 'stripe_webhook.orphan_charge',
        severity: 'ERROR',
        ...orphan,
        transactionId: undefined,
        reason: 'no-transaction',
      });
      sink({
        type: 'stripe_webhook.orphan_charge',
        severity: 'ERROR',
        ...orphan,
        transactionId: 't1',
        reason: 'other-intent',
      });
      const foreign = { transactionId: 't1', paymentIntent: 'pi_9', reason: 'other-intent', eventId: 'evt_1' } as const;
      sink({ type: 'stripe_webhook.foreign_intent', severity: 'ERROR', ...foreign });
      const mismatch = { transactionId: 't2', chargeId: 'ch_2', expected: {}, found: {} } as const;
      sink({ type: 'payment.charge_mismatch', severity: 'ERROR', ...mismatch, source: 'webhook' });
      for (let i = 0; i < 3; i++)
        sink({ type: 'stripe_webhook.rejected', severity: 'WARNING', reason: 'no signature' });
      sink({ type: 'stripe_webhook.misconfigured', severity: 'ERROR', errorMessage: 'no secret' });
    } finally {
      detach();
    }
    expect(seen.map((e) => [e.event, e.severity])).toEqual([
      ['stripe_webhook.orphan_charge', 'ERROR'],
      ['stripe_webhook.orphan_charge', 'ERROR'],
      ['stripe_webhook.foreign_intent', 'ERROR'],
      ['payment.charge_mismatch', 'ERROR'],
      ['stripe_webhook.misconfigured', 'ERROR'],
    ]);
    expect(seen[0]).toMatchObject({ paymentIntent: 'pi_9', amount: 500, currency: 'usd', reason: 'no-transaction' });
    expect(refusals).toEqual(['stripe_webhook.rejected']);
    const incidents = s.metrics.drain(T0 + 60_000).filter((e) => 'LedgerIncidents' in e);
    expect(incidents.map((e) => [e.Incident, e.LedgerIncidents])).toEqual([
      ['orphanCharges', 2],
      ['foreignIntents', 1],
      ['mismatches', 1],
    ]);
  });
});
