import type { ChargeMismatch, LateSuccess, PaymentSettled } from '../payments/paymentEvents.js';
import type { DisputeEvent } from './disputeEvents.js';
import type { RefundMismatch, RefundSettled } from '../payments/refunds/refundEvents.js';

/**
 * What the Stripe webhook tells its listeners (logs, metrics:
 * app/subscriptions.ts), one variant per logged event, as the payment path's
 * events are (payments/paymentEvents.ts): `type` is the logged event name,
 * `severity` its log severity, every other field is logged as it is. No
 * variant carries a PaymentIntent's client secret or its metadata.
 */

/** The endpoint has no signing secret: it refuses every delivery. */
export interface WebhookMisconfigured {
  type: 'stripe_webhook.misconfigured';
  severity: 'ERROR';
  errorMessage: string;
}

/** A delivery without a valid signature (answered 400, nothing written). */
export interface WebhookRejected {
  type: 'stripe_webhook.rejected';
  severity: 'WARNING';
  reason: string;
}

/** An event handled (settled, or acknowledged without a change). */
export interface WebhookHandled {
  type: 'stripe_webhook.handled';
  severity: 'INFO';
  eventId: string;
  eventType: string;
  /** The record the PaymentIntent names; undefined when it names none. */
  transactionId: string | undefined;
  /** The PaymentIntent the event is about (undefined: a refund of a bare charge). */
  paymentIntent: string | undefined;
  /** What the webhook did, in a word (remembered with the event id). */
  outcome: string;
}

/** An event that could not be handled (answered 500: Stripe delivers it again). */
export interface WebhookFailed {
  type: 'stripe_webhook.failed';
  severity: 'ERROR';
  eventId: string;
  eventType: string;
  transactionId: string | undefined;
  error: unknown;
}

/** A final status contradicted by Stripe: the ledger keeps it; a person must look. */
export interface WebhookFinalConflict {
  type: 'stripe_webhook.final_conflict';
  severity: 'ERROR';
  transactionId: string;
  stored: string;
  stripeSays: string;
  eventId: string;
}

/** Why a PaymentIntent is not the one of the record it names (webhooks/intentLinking.ts). */
export type ForeignReason = 'other-intent' | 'no-intent-stored' | 'other-user' | 'no-user';

/** An event of a PaymentIntent that names a record but is not its own: the record is left as it is. */
export interface ForeignIntent {
  type: 'stripe_webhook.foreign_intent';
  /** WARNING; ERROR when it moved money (then also an orphan charge). */
  severity: 'WARNING' | 'ERROR';
  transactionId: string;
  paymentIntent: string;
  reason: ForeignReason;
  eventId: string;
}

/** Why a succeeded PaymentIntent is an orphan charge. */
export type OrphanReason = 'no-transaction' | 'unknown-transaction' | ForeignReason;

/** A succeeded PaymentIntent no record holds: money moved that the ledger does not show. */
export interface OrphanCharge {
  type: 'stripe_webhook.orphan_charge';
  severity: 'ERROR';
  paymentIntent: string;
  /** Minor units, as Stripe counts them. */
  amount: number;
  currency: string;
  /** The record its metadata names; undefined when it names none. */
  transactionId: string | undefined;
  reason: OrphanReason;
  eventId: string;
}

/**
 * A Stripe refund of a PaymentIntent no record holds (a refund of an orphan
 * charge, or of a payment made outside the product): nothing is recorded;
 * counted `orphanRefunds`.
 */
export interface OrphanRefund {
  type: 'stripe_webhook.orphan_refund';
  severity: 'ERROR';
  refund: string;
  /** The refunded PaymentIntent; undefined for a refund of a bare charge. */
  paymentIntent: string | undefined;
  /** Minor units, as Stripe counts them. */
  amount: number;
  currency: string;
  status: string | null;
  /** The record its metadata names; undefined when it names none. */
  transactionId: string | undefined;
  eventId: string;
}

/** A PaymentIntent of this record whose amount or currency differ from the record's. */
export interface WebhookMismatch extends ChargeMismatch {
  source: 'webhook';
}

/** Events of the Stripe webhook. */
export type WebhookEvent =
  | WebhookMisconfigured
  | WebhookRejected
  | WebhookHandled
  | WebhookFailed
  | WebhookFinalConflict
  | ForeignIntent
  | OrphanCharge
  | WebhookMismatch
  | LateSuccess
  | PaymentSettled
  | DisputeEvent
  | OrphanRefund
  | RefundSettled
  | RefundMismatch;

/** Where the webhook's events go. */
export type WebhookEvents = (event: WebhookEvent) => void;
