import { describe, expect, it } from 'vitest';
import { addLogSink, type StructuredEvent } from '../observability/logs/logger.js';
import { ThrottledLog } from '../observability/logs/throttledLog.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { webhookEventSink } from './subscriptions.js';

// The webhook sink's refund events (the rest of the sinks: subscriptions.test.ts).
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('webhookEventSink and refunds', () => {
  it('meters orphan refunds and refund mismatches from the webhook; a refund written is logged only', () => {
    const metrics = new MetricsAggregator({ enabled: true, intervalMs: 60_000, now: T0 });
    const seen: StructuredEvent[] = [];
    const detach = addLogSink((e) => seen.push(e));
    try {
      const sink = webhookEventSink(
        metrics,
        new ThrottledLog(
          () => undefined,
          60_000,
          () => T0,
        ),
      );
      sink({
        type: 'stripe_webhook.orphan_refund',
        severity: 'ERROR',
        refund: 're_1',
        paymentIntent: 'pi_9',
        amount: 500,
        currency: 'usd',
        status: 'succeeded',
        transactionId: undefined,
        eventId: 'evt_1',
      });
      const money = { amount: 500, currency: 'USD' };
      const ids = { transactionId: 't1', refundId: 'r1', providerRefundId: 're_1' };
      sink({ type: 'refund.mismatch', severity: 'ERROR', ...ids, expected: money, found: money, source: 'webhook' });
      sink({
        type: 'refund.settled',
        severity: 'INFO',
        ...ids,
        ...money,
        uid: 'u1',
        status: 'succeeded',
        previous: null,
        source: 'provider',
        by: 'webhook',
        refundedAmount: 500,
        pendingRefundAmount: 0,
      });
    } finally {
      detach();
    }
    expect(seen.map((e) => e.event)).toEqual(['stripe_webhook.orphan_refund', 'refund.mismatch', 'refund.settled']);
    const incidents = metrics.drain(T0 + 60_000).filter((e) => 'LedgerIncidents' in e);
    expect(incidents.map((e) => [e.Incident, e.LedgerIncidents])).toEqual([
      ['orphanRefunds', 1],
      ['mismatches', 1],
    ]);
  });
});
