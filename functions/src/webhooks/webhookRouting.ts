import type { RefundEventSink } from '../payments/refunds/refundEvents.js';
import type { WebhookEvent, WebhookEvents } from './webhookEvents.js';

/** Where the webhook function sends what the webhook tells (the runtime's sinks). */
export interface WebhookSinks {
  /** The webhook's logging and metrics sink (app/subscriptions.ts webhookEventSink). */
  logged: (e: WebhookEvent) => void;
  /** The refund path's sink, which logs, counts and publishes refund events itself (`rt.refundEvents`). */
  refundEvents: RefundEventSink;
  /** The Eventarc subscriber (`rt.publishEvents`): payments and disputes the webhook applied. */
  publish: (e: WebhookEvent) => void;
}

/**
 * The webhook's `emit`: a refund's status change or mismatch is the refund
 * path's event, wherever it was seen; every other event is logged, then
 * handed to the publisher, which picks what other systems hear of (a settled
 * payment, a dispute opened or closed) and starts it before the answer.
 */
export function routeWebhookEvents(sinks: WebhookSinks): WebhookEvents {
  return (e) => {
    if (e.type === 'refund.settled' || e.type === 'refund.mismatch') return sinks.refundEvents(e);
    sinks.logged(e);
    sinks.publish(e);
  };
}
