/**
 * The CloudEvents published to Eventarc for other systems (fulfilment, email,
 * accounting) when EVENTARC_CHANNEL is set (docs/events.md): their types,
 * their source and the shapes of their `data` (zod schemas; the types are
 * inferred from them). Part of the callables' contract (see api/index.ts): it
 * imports only zod. Amounts follow the callables' answers: `amount` in major
 * units (25.99), with the exact integer in minor units beside it
 * (`amountMinor`: 2599, in the provider's minor units of the currency). No
 * data carries a client secret, card data, a key or a person's data beyond
 * the payer's uid.
 */
import { z } from 'zod';
import type { PaymentStatus } from './payments.js';

/** Prefix of every published type: the product and the version of the data shapes. */
export const EVENT_TYPE_PREFIX = 'resilient-payments.v1.';

/** Every event type published, as a consumer's `onCustomEventPublished` names it. */
export const PublishedEventType = {
  paymentSucceeded: `${EVENT_TYPE_PREFIX}payment.succeeded`,
  paymentDeclined: `${EVENT_TYPE_PREFIX}payment.declined`,
  paymentFailed: `${EVENT_TYPE_PREFIX}payment.failed`,
  paymentCanceled: `${EVENT_TYPE_PREFIX}payment.canceled`,
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
export const PublishedPaymentStatus = z.enum([
  'succeeded',
  'declined',
  'failed',
  'canceled',
] as const satisfies readonly PaymentStatus[]);
export type PublishedPaymentStatus = z.infer<typeof PublishedPaymentStatus>;

/**
 * `data` of a `payment.*` event (CloudEvent `subject`: the transactionId):
 * the status a ledger commit wrote. `failed` means certainly not charged and
 * may be followed by `succeeded` (a new call with the same transactionId, or
 * a late success: money wins), so a consumer keeps the latest status per
 * transactionId; `succeeded`, `declined` and `canceled` are final.
 */
export const PaymentEventData = z.strictObject({
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
export type PaymentEventData = z.infer<typeof PaymentEventData>;
