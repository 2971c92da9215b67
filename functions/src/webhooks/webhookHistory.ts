/**
 * What the Stripe webhook adds to a payment's history beyond the writes it
 * makes (those carry their own events: `webhook.claimed`, `webhook.applied`):
 * an event that names an existing payment and changes nothing is recorded as
 * `webhook.ignored` with why, in a commit of its own (the webhook is not on
 * the payment path, and nothing else is written for it).
 */
import { PaymentHistoryEventType } from '../api/index.js';
import type { PaymentLedger } from '../payments/ledger/paymentLedger.js';
import type { SettleOutcome } from './stripeSettlement.js';

/** Outcomes that changed nothing on a record the event named (the others wrote, or found no record). */
const IGNORED: ReadonlySet<string> = new Set<SettleOutcome>([
  'unchanged',
  'final-conflict',
  'stale',
  'busy',
  'not-charged',
  'mismatch',
  'foreign-intent',
]);

/** Records `webhook.ignored` (reason: the outcome) when event `eventId` changed nothing on `transactionId`. */
export async function recordIgnored(
  ledger: PaymentLedger,
  transactionId: string | null,
  outcome: string,
  eventId: string,
  eventType: string,
): Promise<void> {
  if (!transactionId || !IGNORED.has(outcome)) return;
  const ignored = { type: PaymentHistoryEventType.webhookIgnored, reason: outcome, details: { eventId, eventType } };
  await ledger.recordHistory(transactionId, [ignored]);
}
