import { describe, expect, it } from 'vitest';
import type { WebhookEvent } from './webhookEvents.js';
import { routeWebhookEvents } from './webhookRouting.js';

/** Each sink's record of the event types it was handed. */
function sinks() {
  const seen = { logged: [] as string[], refundEvents: [] as string[], publish: [] as string[] };
  const route = routeWebhookEvents({
    logged: (e) => void seen.logged.push(e.type),
    refundEvents: (e) => void seen.refundEvents.push(e.type),
    publish: (e) => void seen.publish.push(e.type),
  });
  return { seen, route };
}

const dispute = {
  transactionId: 't1',
  uid: 'u1',
  disputeId: 'dp_1',
  status: 'needs_response',
  reason: 'fraudulent',
  amount: 1999,
  currency: 'USD',
  evidenceDueBy: null,
  eventId: 'evt_1',
} as const;

describe('routeWebhookEvents', () => {
  it('logs, then hands to the publisher, every dispute and payment event', () => {
    const { seen, route } = sinks();
    const events: WebhookEvent[] = [
      { type: 'dispute.opened', severity: 'WARNING', ...dispute },
      { type: 'dispute.updated', severity: 'INFO', ...dispute },
      { type: 'dispute.closed', severity: 'INFO', ...dispute, status: 'won' },
      { type: 'stripe_webhook.rejected', severity: 'WARNING', reason: 'x' },
    ];
    events.forEach(route);
    const types = events.map((e) => e.type);
    expect(seen).toEqual({ logged: types, refundEvents: [], publish: types });
  });

  it("hands a refund's status change and mismatch to the refund path alone, which logs and publishes them", () => {
    const { seen, route } = sinks();
    route({
      ...{ type: 'refund.mismatch', severity: 'ERROR', transactionId: 't1', refundId: 'r1', providerRefundId: 're_1' },
      ...{ expected: { amount: 1, currency: 'USD' }, found: { amount: 2, currency: 'USD' }, source: 'webhook' },
    });
    expect(seen).toEqual({ logged: [], refundEvents: ['refund.mismatch'], publish: [] });
  });
});
