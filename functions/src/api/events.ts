/**
 * The CloudEvents published to Eventarc for other systems (fulfilment, email,
 * accounting) when EVENTARC_CHANNEL is set (docs/events.md): their types,
 * their source and the shapes of their `data` (zod schemas; the types are
 * inferred from them). Part of the callables' contract (see api/index.ts): it
 * imports only zod. Amounts follow the callables' answers: `amount` in major
 * units (25.99), with the exact integer in minor units beside it
 * (`amountMinor`: 2599, in the provider's minor units of the currency). No
 * data carries a client secret, card data, a key or a person's data beyond
 * the payer's uid. Each schema is built by a call marked pure, as in
 * payments.ts, so the SPA (which re-exports this folder) bundles no zod: zod
 * probes for `eval`, which the SPA's Content-Security-Policy refuses.
 */
import { z } from 'zod';
import type { DisputeStatus } from './history.js';
import type { PaymentStatus } from './payments.js';

/** Prefix of every published type: the product and the version of the data shapes. */
export const EVENT_TYPE_PREFIX = 'resilient-payments.v1.';

/** Every event type published, as a consumer's `onCustomEventPublished` names it. */
export const PublishedEventType = {
  paymentSucceeded: `${EVENT_TYPE_PREFIX}payment.succeeded`,
  paymentDeclined: `${EVENT_TYPE_PREFIX}payment.declined`,
  paymentFailed: `${EVENT_TYPE_PREFIX}payment.failed`,
  paymentCanceled: `${EVENT_TYPE_PREFIX}payment.canceled`,
  refundSucceeded: `${EVENT_TYPE_PREFIX}refund.succeeded`,
  refundFailed: `${EVENT_TYPE_PREFIX}refund.failed`,
  disputeOpened: `${EVENT_TYPE_PREFIX}dispute.opened`,
  disputeClosed: `${EVENT_TYPE_PREFIX}dispute.closed`,
} as const;
export type PublishedEventType = (typeof PublishedEventType)[keyof typeof PublishedEventType];

/** The CloudEvent `source` of every published event. */
export const EVENT_SOURCE = 'resilient-payments';

/** Who wrote the status the event tells of. */
export const SettledBy = {
  /** A `processPayment` call. */
  payment: 'payment',
  /** A reconciliation pass. */
  reconcile: 'reconcile',
  /** A Stripe webhook delivery. */
  webhook: 'webhook',
  /** A `cancelPayment` call. */
  cancel: 'cancel',
} as const;
export type SettledBy = (typeof SettledBy)[keyof typeof SettledBy];

/** Payment statuses that are published, each as `payment.<status>`. */
export const PublishedPaymentStatus = /* @__PURE__ */ publishedPaymentStatus();

function publishedPaymentStatus() {
  return z.enum(['succeeded', 'declined', 'failed', 'canceled'] as const satisfies readonly PaymentStatus[]);
}
export type PublishedPaymentStatus = z.infer<typeof PublishedPaymentStatus>;

/**
 * `data` of a `payment.*` event (CloudEvent `subject`: the transactionId):
 * the status a ledger commit wrote. `failed` means certainly not charged and
 * may be followed by `succeeded` (a new call with the same transactionId, or
 * a late success: money wins), so a consumer keeps the latest status per
 * transactionId; `succeeded`, `declined` and `canceled` are final.
 */
export const PaymentEventData = /* @__PURE__ */ paymentEventData();

function paymentEventData() {
  return z.strictObject({
    transactionId: z.string(),
    /** The payer. */
    uid: z.string(),
    status: PublishedPaymentStatus,
    /** Major units, as `processPayment` answers (25.99). */
    amount: z.number().positive(),
    /** The same amount in integer minor units of the currency (2599). */
    amountMinor: z.number().int().positive(),
    /** ISO 4217, upper case. */
    currency: z.string().regex(/^[A-Z]{3}$/),
    /** The provider's id of the charge (succeeded, declined); null when there is none. */
    chargeId: z.string().nullable(),
    /** The issuer's decline code (declined); null otherwise. */
    declineCode: z.string().nullable(),
    /** Why a payment failed (e.g. `PROVIDER_UNAVAILABLE`, `HTTP_402`); null otherwise. */
    errorCode: z.string().nullable(),
    settledBy: z.enum(SettledBy),
  });
}
export type PaymentEventData = z.infer<typeof PaymentEventData>;

/** Refund statuses that are published, each as `refund.<status>`. */
export const PublishedRefundStatus = /* @__PURE__ */ publishedRefundStatus();

function publishedRefundStatus() {
  return z.enum(['succeeded', 'failed']);
}
export type PublishedRefundStatus = z.infer<typeof PublishedRefundStatus>;

/**
 * `data` of a `refund.*` event (CloudEvent `subject`: the transactionId): a
 * refund's final status as a ledger commit wrote it. A Stripe refund may go
 * from `succeeded` to `failed` later (a second event); nothing follows `failed`.
 */
export const RefundEventData = /* @__PURE__ */ refundEventData();

function refundEventData() {
  return z.strictObject({
    transactionId: z.string(),
    /** Ours, chosen by the caller of `refundPayment` (or derived from the provider's id for a refund made outside the product). */
    refundId: z.string(),
    /** The payer of the refunded payment. */
    uid: z.string(),
    status: PublishedRefundStatus,
    /** This refund, major units. */
    amount: z.number().positive(),
    /** This refund, integer minor units. */
    amountMinor: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    /** The payment's succeeded refunds in total after this commit, major units. */
    refundedAmount: z.number().nonnegative(),
    /** The same total, integer minor units. */
    refundedAmountMinor: z.number().int().nonnegative(),
    /** The provider's id of the refund; null when it gave none. */
    providerRefundId: z.string().nullable(),
    /** Why the provider failed it (`failed`); null otherwise. */
    failureReason: z.string().nullable(),
    /** Where the refund was made: `refundPayment`, or outside the product (e.g. the Stripe Dashboard). */
    source: z.enum(['callable', 'provider']),
    /** Who wrote the status: the `refundPayment` call, reconciliation, or a provider webhook. */
    settledBy: z.enum(['call', 'reconcile', 'webhook']),
  });
}
export type RefundEventData = z.infer<typeof RefundEventData>;

/**
 * `data` of a `dispute.*` event (CloudEvent `subject`: the transactionId): a
 * chargeback opened on a payment's charge (`dispute.opened`) or closed
 * (`dispute.closed`: `won`, `lost`, `warning_closed`, `prevented`), as the
 * ledger commit that applied it wrote it. Changes in between publish nothing.
 */
export const DisputeEventData = /* @__PURE__ */ disputeEventData();

function disputeEventData() {
  return z.strictObject({
    transactionId: z.string(),
    /** The payer of the disputed payment. */
    uid: z.string(),
    /** The provider's dispute id (Stripe: `dp_...`). */
    disputeId: z.string(),
    // Spelled out: contract files import only types from each other (a test checks it lists every DisputeStatus).
    status: z.enum([
      'warning_needs_response',
      'warning_under_review',
      'warning_closed',
      'needs_response',
      'under_review',
      'won',
      'lost',
      'prevented',
    ] as const satisfies readonly DisputeStatus[]),
    /** The provider's reason (`fraudulent`, `product_not_received`...). */
    reason: z.string(),
    /** The disputed amount, major units. */
    amount: z.number().positive(),
    /** The same amount, integer minor units. */
    amountMinor: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
  });
}
export type DisputeEventData = z.infer<typeof DisputeEventData>;
