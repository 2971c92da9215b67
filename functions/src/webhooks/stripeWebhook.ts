/**
 * The Stripe webhook as a pure function of the raw request: no
 * firebase-functions import, so it unit-tests with a MemoryLedger and events
 * signed like Stripe signs them (stripeWebhookFunction.ts is the thin
 * `onRequest` wrapper). It verifies `Stripe-Signature` on the raw body with
 * the endpoint's secret (`stripe.webhooks.constructEvent`, Stripe's default
 * 300 s tolerance), answers 400 and writes nothing when the signature is
 * missing, wrong or too old, skips event ids it handled already, settles the
 * ledger record named by a PaymentIntent event's `metadata.transactionId` when
 * the PaymentIntent is that record's own (stripeSettlement.ts, intentLinking.ts:
 * any other is foreign, a succeeded one no record holds an orphan charge),
 * writes the refunds of refund events (`refund.created`, `refund.updated`,
 * `refund.failed`, `charge.refunded`) to the refund ledger as Stripe's truth
 * (stripeRefundSettlement.ts), and acknowledges other event types (`payment_intent.created` among them: nothing
 * is settled before the record holds the PaymentIntent's id) with 200. A 500
 * (ledger unreachable) makes Stripe deliver the event again later.
 */
import Stripe from 'stripe';
import type { PaymentLedger } from '../payments/ledger/paymentLedger.js';
import type { RefundLedger } from '../payments/refunds/refundLedger.js';
import type { IntentRecords } from './intentRecords.js';
import { idOf } from './refundLinking.js';
import { EVENT_RETENTION_MS, type ProcessedEvents } from './stripeEvents.js';
import { REFUND_EVENTS, settleFromCharge, settleFromRefund } from './stripeRefundSettlement.js';
import { settleFromIntent } from './stripeSettlement.js';
import type { WebhookEvents } from './webhookEvents.js';
import { recordIgnored } from './webhookHistory.js';
import { DISPUTE_EVENTS, disputeReply } from './disputeWebhook.js';
import type { StripeWebhookReply } from './webhookReply.js';

/** The PaymentIntent events that settle payments. */
export const INTENT_EVENTS: ReadonlySet<string> = new Set([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.canceled',
]);

/** Every event type the webhook acts on; others are acknowledged and ignored. */
export const HANDLED_EVENTS: ReadonlySet<string> = new Set([...INTENT_EVENTS, ...REFUND_EVENTS]);

/** What the webhook needs. */
export interface StripeWebhookDeps {
  /** The endpoint's signing secret (`whsec_...`, STRIPE_WEBHOOK_SECRET). Never logged. */
  secret: string;
  ledger: PaymentLedger;
  /** The refund ledger refund events are written to. */
  refunds: RefundLedger;
  /** Which record holds a PaymentIntent (refunds made outside the product name none). */
  intents: IntentRecords;
  events: ProcessedEvents;
  emit?: WebhookEvents;
  now?: () => number;
}

/** The parts of an HTTP request the webhook reads. */
export interface StripeWebhookRequest {
  /** The body exactly as received (firebase-functions v2: `req.rawBody`); a parsed body cannot be verified. */
  rawBody: Buffer | string | undefined;
  /** The `Stripe-Signature` header. */
  signature: string | undefined;
}

export type { StripeWebhookReply } from './webhookReply.js';

/** Handles one delivery (see the module comment). Never throws. */
export async function handleStripeWebhook(
  deps: StripeWebhookDeps,
  req: StripeWebhookRequest,
): Promise<StripeWebhookReply> {
  const emit = deps.emit ?? (() => undefined);
  const now = deps.now ?? Date.now;
  // An empty secret would verify anything signed with an empty key: refuse to work without one.
  if (!deps.secret) {
    emit({ type: 'stripe_webhook.misconfigured', severity: 'ERROR', errorMessage: 'STRIPE_WEBHOOK_SECRET is not set' });
    return { status: 500, body: { received: false, error: 'webhook not configured' } };
  }
  if (req.rawBody === undefined || req.rawBody.length === 0 || !req.signature) {
    emit({ type: 'stripe_webhook.rejected', severity: 'WARNING', reason: 'missing body or Stripe-Signature' });
    return { status: 400, body: { received: false, error: 'missing Stripe-Signature or body' } };
  }
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(req.rawBody, req.signature, deps.secret, undefined, undefined, now());
  } catch (err) {
    // The SDK's words name what failed (no signature match, timestamp outside the tolerance), never the secret.
    const reason = err instanceof Error ? err.message : 'unverifiable';
    emit({ type: 'stripe_webhook.rejected', severity: 'WARNING', reason });
    return { status: 400, body: { received: false, error: 'signature verification failed' } };
  }
  const fields = { eventId: event.id, eventType: event.type };
  if (DISPUTE_EVENTS.has(event.type))
    return disputeReply({ ledger: deps.ledger, events: deps.events, emit, now }, event);
  if (!HANDLED_EVENTS.has(event.type)) return { status: 200, body: { received: true, outcome: 'ignored' } };
  const subject = event.data.object as Stripe.PaymentIntent | Stripe.Refund | Stripe.Charge;
  const transactionId = subject.metadata?.transactionId ?? null;
  const paymentIntent = subject.object === 'payment_intent' ? subject.id : (idOf(subject.payment_intent) ?? undefined);
  try {
    if (await deps.events.seen(event.id)) return { status: 200, body: { received: true, outcome: 'duplicate' } };
    const refundDeps = { ledger: deps.ledger, refunds: deps.refunds, intents: deps.intents, emit };
    let outcome: string;
    if (subject.object === 'refund') outcome = await settleFromRefund(refundDeps, subject, event.id);
    else if (subject.object === 'charge') outcome = await settleFromCharge(refundDeps, subject, event.id);
    else {
      outcome = await settleFromIntent(
        { ledger: deps.ledger, emit, now },
        transactionId,
        subject,
        event.id,
        event.created,
      );
      await recordIgnored(deps.ledger, transactionId, outcome, event.id, event.type);
    }
    await deps.events.remember(event.id, {
      type: event.type,
      transactionId,
      outcome,
      expiresAt: now() + EVENT_RETENTION_MS,
    });
    const named = transactionId ?? undefined;
    emit({
      type: 'stripe_webhook.handled',
      severity: 'INFO',
      ...fields,
      transactionId: named,
      paymentIntent,
      outcome,
    });
    return { status: 200, body: { received: true, outcome } };
  } catch (err) {
    emit({
      type: 'stripe_webhook.failed',
      severity: 'ERROR',
      ...fields,
      transactionId: transactionId ?? undefined,
      error: err,
    });
    return { status: 500, body: { received: false, error: 'could not record the event; deliver it again' } };
  }
}
