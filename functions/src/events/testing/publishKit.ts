import { PublishedEventType } from '../../api/index.js';
import type { MetricsAggregator } from '../../observability/metrics/emf.js';
import type { OutgoingEvent } from '../eventPublisher.js';

/** A payment.succeeded of 25.99 USD by u1, as the mapping makes it. */
export const event = (transactionId = 'txn_1'): OutgoingEvent => ({
  type: PublishedEventType.paymentSucceeded,
  source: 'resilient-payments',
  subject: transactionId,
  data: {
    transactionId,
    uid: 'u1',
    status: 'succeeded',
    amount: 25.99,
    amountMinor: 2599,
    currency: 'USD',
    chargeId: 'ch_1',
    declineCode: null,
    errorCode: null,
    settledBy: 'payment',
  },
});

/** The PublishedEvents counts a drain gives, as `outcome:count` per event type. */
export function publishCounts(metrics: MetricsAggregator): string[] {
  return metrics
    .drain(Date.now(), { force: true })
    .filter((e) => 'PublishedEvents' in e)
    .map((e) => `${String(e.EventType)} ${String(e.Outcome)}:${String(e.PublishedEvents)}`);
}
