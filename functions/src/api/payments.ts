/**
 * `processPayment` and `cancelPayment`: their requests (zod schemas, the ones
 * the callables validate with) and answers, the payment words and the transactionId rule. Part of the
 * callables' contract (see api/index.ts): it imports only zod, the SPA bundles it.
 */
import { z } from 'zod';

/** Payment methods `processPayment` accepts. */
export const PaymentMethod = {
  creditCard: 'credit_card',
  debitCard: 'debit_card',
  bankTransfer: 'bank_transfer',
  digitalWallet: 'digital_wallet',
} as const;
export type PaymentMethod = (typeof PaymentMethod)[keyof typeof PaymentMethod];

/**
 * Ledger statuses: `failed` means certainly not charged, `unknown` maybe charged
 * (resolved later). `requires_action` (the customer must finish, e.g. 3-D
 * Secure), `requires_payment_method` (an attempt failed, e.g. 3-D Secure, and
 * the customer may confirm again with another method) and `processing` are
 * accepted by the provider and settled later by a webhook, a repeat call or
 * reconciliation. Final: succeeded, declined and canceled (the provider's
 * payment was canceled, so it can never be charged).
 */
export const PaymentStatus = {
  pending: 'pending',
  succeeded: 'succeeded',
  declined: 'declined',
  requiresAction: 'requires_action',
  requiresPaymentMethod: 'requires_payment_method',
  processing: 'processing',
  canceled: 'canceled',
  failed: 'failed',
  unknown: 'unknown',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

/**
 * The callables that move money. Where a replayed call costs money, they get
 * App Check replay protection (APP_CHECK_CONSUME, access/appCheck.ts), and the
 * SPA asks a limited-use App Check token for each of their calls.
 */
export const MONEY_MOVING_CALLABLES: readonly string[] = ['processPayment', 'cancelPayment', 'refundPayment'];

/**
 * An id of 1..`maxLength` letters, digits, `_` or `-` that Firestore accepts as a document id:
 * not `__.*__`, which Firestore reserves (a read of one fails instead of answering "not found").
 */
export function documentIdPattern(maxLength: number): RegExp {
  return new RegExp(`^(?!__.*__$)[A-Za-z0-9_-]{1,${maxLength}}$`);
}

/**
 * What a transactionId may look like: it is the idempotency key sent to the provider and the
 * ledger's document id, so ids Firestore reserves (`__.*__`) are refused here, before any read.
 * Any future id used as a document id (a refundId) is built with {@link documentIdPattern}.
 */
export const TRANSACTION_ID_PATTERN = documentIdPattern(64);
/** The rule of {@link TRANSACTION_ID_PATTERN} in words. */
export const TRANSACTION_ID_RULE = '1-64 letters, digits, "_" or "-", not both starting and ending with "__"';

/** Longest `seal` processPayment accepts and hands out (one user's limits seal to about 310 characters; the payload cap is 4096). */
export const PAYMENT_SEAL_MAX_LENGTH = 2048;

/**
 * Payload of `processPayment`, as the callable validates it (unknown fields are refused).
 * `amount`: major units, e.g. 25.99; converted once, exactly, to minor units.
 * `currency`: ISO 4217 code (any case); default USD.
 * `transactionId`: idempotency key ({@link TRANSACTION_ID_PATTERN}); generated when absent, but callers
 * should send one so a lost answer can be retried.
 * `paymentMethodId`: Stripe provider only, and required there: the Stripe PaymentMethod (`pm_...`, made
 * with Stripe.js). Refused with the generic provider.
 * `seal`: optional, the `seal` of the same user's last answer, passed back as is (see ProcessPaymentResult.seal).
 */
// Built by a call marked pure, so a bundle that uses only the type (the SPA today) leaves zod out.
export const ProcessPaymentRequest = /* @__PURE__ */ processPaymentRequest();

function processPaymentRequest() {
  const sealRule = `must be the seal of an earlier processPayment answer (at most ${PAYMENT_SEAL_MAX_LENGTH} characters)`;
  const methods = Object.values(PaymentMethod).join(', ');
  const currencyRule = 'must be an ISO 4217 code such as USD';
  return z.strictObject({
    amount: z.number({ error: 'must be a number in major units, e.g. 25.99' }),
    paymentMethod: z.enum(PaymentMethod, { error: `must be one of ${methods}` }),
    currency: z.string({ error: currencyRule }).max(8, currencyRule).optional(),
    transactionId: z.string().regex(TRANSACTION_ID_PATTERN, `must be ${TRANSACTION_ID_RULE}`).optional(),
    paymentMethodId: z
      .string()
      .regex(/^pm_[A-Za-z0-9_]{1,255}$/, 'must be a Stripe PaymentMethod id (pm_...) created with Stripe.js')
      .optional(),
    seal: z.string({ error: sealRule }).min(1, sealRule).max(PAYMENT_SEAL_MAX_LENGTH, sealRule).optional(),
  });
}
export type ProcessPaymentRequest = z.infer<typeof ProcessPaymentRequest>;

/** Answer of `processPayment`. */
export interface ProcessPaymentResult {
  transactionId: string;
  /**
   * Final (succeeded, declined, canceled: the provider's payment was canceled,
   * by `cancelPayment` or before recording it not charged, and can never be
   * charged; pay again under a new transactionId), or
   * accepted and waiting at the provider (requires_action; requires_payment_method:
   * an attempt failed, confirm again with another method using `clientSecret`;
   * processing). Always the ledger's record.
   */
  status:
    | typeof PaymentStatus.succeeded
    | typeof PaymentStatus.declined
    | typeof PaymentStatus.canceled
    | typeof PaymentStatus.requiresAction
    | typeof PaymentStatus.requiresPaymentMethod
    | typeof PaymentStatus.processing;
  /** The provider's charge id; empty while the payment is waiting. */
  chargeId: string;
  /** Major units, as sent. */
  amount: number;
  currency: string;
  /** Provider attempts recorded for this transactionId, over every call. */
  attempts: number;
  /** True when the recorded result came back without a new charge. */
  replayed: boolean;
  /** Present on declines only. */
  declineCode?: string;
  /** With `requires_action` / `requires_payment_method`: what the client passes to Stripe.js to finish or re-confirm the payment. Never logged. */
  clientSecret?: string;
  /**
   * Opaque (encrypted, bound to the caller, valid 15 minutes): the caller's per-user limits as this call
   * left them. Passed back as `seal` in the same user's next call, it saves that call a Firestore read
   * when it lands on an instance that has not served the user yet; an expired, altered or out-of-date seal
   * is ignored (the call reads instead), so limits are enforced as without it. Absent when the instance
   * has no copy to seal. Never logged or shown.
   */
  seal?: string;
}

/**
 * Payload of `cancelPayment`, as the callable validates it (unknown fields are refused).
 * `transactionId`: the payment to cancel ({@link TRANSACTION_ID_PATTERN}).
 */
export const CancelPaymentRequest = /* @__PURE__ */ cancelPaymentRequest();

function cancelPaymentRequest() {
  const rule = `must be ${TRANSACTION_ID_RULE}`;
  return z.strictObject({ transactionId: z.string({ error: rule }).regex(TRANSACTION_ID_PATTERN, rule) });
}
export type CancelPaymentRequest = z.infer<typeof CancelPaymentRequest>;

/**
 * Answer of `cancelPayment`: the payment is `canceled`, a final status (it can
 * never be charged; a later `processPayment` with its transactionId answers it
 * as recorded). Repeating the cancel answers the same.
 */
export interface CancelPaymentResult {
  transactionId: string;
  status: typeof PaymentStatus.canceled;
}

/**
 * Payload of `getPayment` (the payment's owner, or an admin), as the callable validates it.
 * `transactionId`: the payment to show ({@link TRANSACTION_ID_PATTERN}).
 */
export const GetPaymentRequest = /* @__PURE__ */ cancelPaymentRequest();
export type GetPaymentRequest = z.infer<typeof GetPaymentRequest>;

/** Most payments one `listPayments` page holds, and how many when `limit` is absent. */
export const LIST_PAYMENTS_LIMIT = { max: 100, default: 25 } as const;

/**
 * Payload of `listPayments` (admins only), as the callable validates it; the filters combine.
 * `status`: one ledger status. `uid`: the payer. `from` (inclusive) and `to` (exclusive): creation
 * time, epoch ms. `limit`: 1..{@link LIST_PAYMENTS_LIMIT}.max, default {@link LIST_PAYMENTS_LIMIT}.default.
 * `cursor`: the previous page's `nextCursor`, with the same filters.
 */
export const ListPaymentsRequest = /* @__PURE__ */ listPaymentsRequest();

function listPaymentsRequest() {
  const time = 'must be a time in epoch milliseconds';
  const statuses = Object.values(PaymentStatus).join(', ');
  const { max } = LIST_PAYMENTS_LIMIT;
  return z
    .strictObject({
      status: z.enum(PaymentStatus, { error: `must be one of ${statuses}` }).optional(),
      uid: z
        .string({ error: 'must be a user id' })
        .min(1, 'must be a user id')
        .max(128, 'must be a user id')
        .optional(),
      from: z.number({ error: time }).int(time).nonnegative(time).optional(),
      to: z.number({ error: time }).int(time).nonnegative(time).optional(),
      limit: z
        .number({ error: `must be 1 to ${max}` })
        .int(`must be 1 to ${max}`)
        .min(1, `must be 1 to ${max}`)
        .max(max, `must be 1 to ${max}`)
        .optional(),
      cursor: z
        .string({ error: 'must be a nextCursor from listPayments' })
        .max(512, 'must be a nextCursor from listPayments')
        .optional(),
    })
    .refine((r) => r.from === undefined || r.to === undefined || r.from < r.to, {
      path: ['to'],
      message: 'must be after from',
    });
}
export type ListPaymentsRequest = z.infer<typeof ListPaymentsRequest>;

/** The payment providers the functions can be configured with (PAYMENT_PROVIDER). */
export const PaymentProviderName = { generic: 'generic', stripe: 'stripe' } as const;
export type PaymentProviderName = (typeof PaymentProviderName)[keyof typeof PaymentProviderName];
