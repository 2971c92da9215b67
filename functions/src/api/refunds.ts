/**
 * `refundPayment`: its request (the zod schema the callable validates with),
 * its answer, the refund words and what the explorer shows of one refund.
 * Part of the callables' contract (see api/index.ts): it imports only zod, the
 * SPA bundles it.
 */
import { z } from 'zod';

/** Why a refund is made (Stripe's reasons; the generic contract records it). */
export const RefundReason = {
  requestedByCustomer: 'requested_by_customer',
  duplicate: 'duplicate',
  fraudulent: 'fraudulent',
} as const;
export type RefundReason = (typeof RefundReason)[keyof typeof RefundReason];

/**
 * A refund's status in the ledger. `pending`: claimed by a call that holds
 * its lease (in flight), or accepted by the provider and settled later (by a
 * webhook or reconciliation). `unknown`: maybe refunded, resolved by lookup
 * and reconciliation. Final: `succeeded`, and `failed` (certainly not
 * refunded; a Stripe refund can still go from succeeded to failed).
 */
export const RefundStatus = {
  pending: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  unknown: 'unknown',
} as const;
export type RefundStatus = (typeof RefundStatus)[keyof typeof RefundStatus];

/**
 * What a refundId may look like: the idempotency key sent to the provider and
 * the refund's document id, so the rule of TRANSACTION_ID_PATTERN
 * (`documentIdPattern(64)`, api/payments.ts). Written out here because
 * contract files share no code (architecture.test.ts); refunds.test.ts checks
 * that the two rules are the same.
 */
export const REFUND_ID_PATTERN = /^(?!__.*__$)[A-Za-z0-9_-]{1,64}$/;
/** The rule of {@link REFUND_ID_PATTERN} in words. */
export const REFUND_ID_RULE = '1-64 letters, digits, "_" or "-", not both starting and ending with "__"';

/** Longest `seal` refundPayment accepts; getPayment hands out no longer one (the payload cap is 4096 characters). */
export const REFUND_SEAL_MAX_LENGTH = 2048;

/**
 * Payload of `refundPayment` (admins only), as the callable validates it
 * (unknown fields are refused).
 * `transactionId`: the payment to refund.
 * `refundId`: chosen by the client and required, so a retry after a lost
 * answer repeats it ({@link REFUND_ID_PATTERN}); the same refundId with other
 * parameters is refused (`already-exists`).
 * `amount`: major units in the payment's currency, e.g. 10.5; default: all
 * that is left (the payment's amount minus its succeeded and pending refunds).
 * `reason`: one of {@link RefundReason}.
 * `seal`: the `refundSeal` of the `getPayment` answer that showed this
 * payment to this admin (opaque, at most {@link REFUND_SEAL_MAX_LENGTH}
 * characters). It only saves the server a read: a seal that does not open
 * (another admin's, altered, expired) or is stale (the payment or the admin's
 * limits changed since) is ignored and the refund decides exactly as without.
 */
export const RefundPaymentRequest = /* @__PURE__ */ refundPaymentRequest();

function refundPaymentRequest() {
  const rule = `must be ${REFUND_ID_RULE}`;
  const reasons = Object.values(RefundReason).join(', ');
  return z.strictObject({
    transactionId: z.string({ error: rule }).regex(REFUND_ID_PATTERN, rule),
    refundId: z.string({ error: rule }).regex(REFUND_ID_PATTERN, rule),
    amount: z.number({ error: 'must be a number in major units, e.g. 10.5' }).optional(),
    reason: z.enum(RefundReason, { error: `must be one of ${reasons}` }).optional(),
    seal: z
      .string({ error: 'must be the refundSeal of a getPayment answer' })
      .min(1, 'must be the refundSeal of a getPayment answer')
      .max(REFUND_SEAL_MAX_LENGTH, `must be at most ${REFUND_SEAL_MAX_LENGTH} characters`)
      .optional(),
  });
}
export type RefundPaymentRequest = z.infer<typeof RefundPaymentRequest>;

/** Answer of `refundPayment`. Amounts are major units of the payment's currency. */
export interface RefundPaymentResult {
  transactionId: string;
  refundId: string;
  /** `succeeded`, or `pending`: accepted by the provider, settled later by a webhook or reconciliation. */
  status: typeof RefundStatus.succeeded | typeof RefundStatus.pending;
  /** This refund's amount. */
  amount: number;
  currency: string;
  /** The payment's refunded total (its succeeded refunds) once this refund is written. */
  refundedAmount: number;
  /** True when the recorded refund came back without a new provider refund. */
  replayed: boolean;
}

/** Where a refund was made: through `refundPayment`, or outside the product (e.g. the Stripe Dashboard). */
export type RefundSource = 'callable' | 'provider';

/** One refund of a payment as getPayment and the explorer show it. Amounts in major units. */
export interface RefundView {
  refundId: string;
  amount: number;
  currency: string;
  reason: RefundReason | null;
  status: RefundStatus;
  /** The provider's id of the refund (generic: its `id`; Stripe: `re_...`); null until known. */
  providerRefundId: string | null;
  source: RefundSource;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}
