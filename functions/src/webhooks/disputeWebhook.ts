/**
 * Stripe's dispute events (`charge.dispute.*`) in the webhook, after the same
 * signature check (stripeWebhook.ts) and with the same de-duplication by event
 * id: the dispute is applied to the payment whose PaymentIntent it names (the
 * record holding it as `providerRef`) through the ledger's dispute rule
 * (ledger/disputeRules.ts: out-of-order and repeated events change nothing
 * wrong), which appends the history event in the same commit; then
 * `dispute.opened` / `dispute.updated` / `dispute.closed` are told. A dispute on a
 * PaymentIntent no record holds is `dispute.unmatched` (ERROR). Nothing here
 * calls Stripe.
 */
import type Stripe from 'stripe';
import type { DisputeStatus, PaymentDispute } from '../api/index.js';
import type { DisputeChange } from '../payments/ledger/disputeRules.js';
import type { PaymentLedger } from '../payments/ledger/paymentLedger.js';
import { EVENT_RETENTION_MS, type ProcessedEvents } from './stripeEvents.js';
import type { WebhookEvents } from './webhookEvents.js';
import type { StripeWebhookReply } from './webhookReply.js';

/** The dispute events the webhook handles. */
export const DISPUTE_EVENTS: ReadonlySet<string> = new Set([
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
]);

/** What handling a dispute event needs (the webhook's deps). */
export interface DisputeDeps {
  ledger: PaymentLedger;
  events: ProcessedEvents;
  emit: WebhookEvents;
  now: () => number;
}

/** The payment's dispute as Stripe's dispute object says it. */
export function disputeOf(d: Stripe.Dispute): PaymentDispute {
  const due = d.evidence_details?.due_by;
  return {
    id: d.id,
    status: d.status as DisputeStatus,
    reason: d.reason,
    amount: d.amount,
    evidenceDueBy: typeof due === 'number' ? due * 1000 : null,
  };
}

/** Handles one verified dispute event; throws when the ledger cannot be reached (the webhook answers 500). */
export async function handleDisputeEvent(deps: DisputeDeps, event: Stripe.Event): Promise<string> {
  const d = event.data.object as Stripe.Dispute;
  const pi = typeof d.payment_intent === 'string' ? d.payment_intent : (d.payment_intent?.id ?? null);
  if (await deps.events.seen(event.id)) return 'duplicate';
  const transactionId = pi ? await deps.ledger.findByProviderRef(pi) : null;
  const outcome = transactionId ? await apply(deps, transactionId, d, event) : unmatched(deps, d, pi, event.id);
  await deps.events.remember(event.id, {
    type: event.type,
    transactionId,
    outcome,
    expiresAt: deps.now() + EVENT_RETENTION_MS,
  });
  deps.emit({
    type: 'stripe_webhook.handled',
    severity: 'INFO',
    ...{ eventId: event.id, eventType: event.type, transactionId: transactionId ?? undefined },
    ...{ paymentIntent: pi ?? '', outcome },
  });
  return outcome;
}

async function apply(deps: DisputeDeps, transactionId: string, d: Stripe.Dispute, event: Stripe.Event) {
  const dispute = disputeOf(d);
  const funds =
    event.type === 'charge.dispute.funds_withdrawn'
      ? 'withdrawn'
      : event.type === 'charge.dispute.funds_reinstated'
        ? 'reinstated'
        : undefined;
  const change: DisputeChange = {
    ...{ dispute, eventId: event.id, eventType: event.type, eventAt: event.created * 1000 },
    ...(funds ? { funds } : {}),
  };
  const r = await deps.ledger.applyDispute(transactionId, change);
  if (!('uid' in r)) return r.kind;
  const facts = {
    ...{ transactionId, uid: r.uid, disputeId: dispute.id, status: dispute.status, reason: dispute.reason },
    ...{ amount: dispute.amount, currency: r.currency, evidenceDueBy: dispute.evidenceDueBy, eventId: event.id },
  };
  if (r.kind === 'opened') deps.emit({ type: 'dispute.opened', severity: 'WARNING', ...facts });
  else if (r.kind === 'closed') {
    const lost = dispute.status === 'lost';
    deps.emit({ type: 'dispute.closed', severity: lost ? 'WARNING' : 'INFO', ...facts });
  } else deps.emit({ type: 'dispute.updated', severity: 'INFO', ...facts, ...(funds ? { funds } : {}) });
  return `dispute-${r.kind}`;
}

function unmatched(deps: DisputeDeps, d: Stripe.Dispute, pi: string | null, eventId: string): string {
  const fields = { disputeId: d.id, paymentIntent: pi, amount: d.amount, currency: d.currency.toUpperCase(), eventId };
  deps.emit({ type: 'dispute.unmatched', severity: 'ERROR', ...fields });
  return 'unknown-transaction';
}

/** The webhook's answer to a dispute event: 200 once handled, 500 (deliver again) when the ledger failed. */
export async function disputeReply(deps: DisputeDeps, event: Stripe.Event): Promise<StripeWebhookReply> {
  try {
    const outcome = await handleDisputeEvent(deps, event);
    return { status: 200, body: { received: true, outcome } };
  } catch (error) {
    const fields = { eventId: event.id, eventType: event.type, transactionId: undefined, error };
    deps.emit({ type: 'stripe_webhook.failed', severity: 'ERROR', ...fields });
    return { status: 500, body: { received: false, error: 'could not record the event; deliver it again' } };
  }
}
