/**
 * What the Stripe webhook's unit tests run it on: memory ledgers (payments,
 * refunds, intents, processed events) on the test's clock, and the events it
 * emits.
 */
import { MemoryLedger } from '../../payments/ledger/memoryLedger.js';
import { MemoryRefundLedger } from '../../payments/refunds/memoryRefundLedger.js';
import { MemoryIntentRecords } from '../intentRecords.js';
import { MemoryProcessedEvents } from '../stripeEvents.js';
import type { StripeWebhookDeps } from '../stripeWebhook.js';

/** One event the webhook emitted: its type, severity and fields. */
export interface LoggedEvent {
  event: string;
  fields: Record<string, unknown>;
  severity?: string;
}

/** The webhook's dependencies and the memory parts they are made of. */
export interface WebhookWorld {
  ledger: MemoryLedger;
  refunds: MemoryRefundLedger;
  intents: MemoryIntentRecords;
  events: MemoryProcessedEvents;
  /** What the webhook emitted, in order. */
  logged: LoggedEvent[];
  deps: StripeWebhookDeps;
}

/** A fresh world verifying with `secret`, every part on the clock `now`. */
export function webhookWorld(secret: string, now: () => number): WebhookWorld {
  const ledger = new MemoryLedger(now);
  const refunds = new MemoryRefundLedger(ledger, now);
  const intents = new MemoryIntentRecords();
  const events = new MemoryProcessedEvents(now);
  const logged: LoggedEvent[] = [];
  const deps: StripeWebhookDeps = {
    secret,
    ledger,
    refunds,
    intents,
    events,
    now,
    emit: ({ type, severity, ...fields }) => logged.push({ event: type, fields, severity }),
  };
  return { ledger, refunds, intents, events, logged, deps };
}
