/**
 * Error codes: the stable `code` every AppError carries, also sent to callers
 * in an HttpsError's `details.code`. Part of the callables' contract (see
 * api/index.ts): import-free, the SPA bundles it.
 */
import type { ResilienceErrorCode } from '../resilience/errorCodeTypes.js';

export { ResilienceErrorCode } from '../resilience/errorCodeTypes.js';

/** The codes the product raises (the generic mechanisms' are {@link ResilienceErrorCode}). */
export const ProductErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  PAYMENT_FORBIDDEN: 'PAYMENT_FORBIDDEN',
  PAYMENT_CONFLICT: 'PAYMENT_CONFLICT',
  PAYMENT_IN_PROGRESS: 'PAYMENT_IN_PROGRESS',
  PAYMENT_UNAVAILABLE: 'PAYMENT_UNAVAILABLE',
  PAYMENT_RATE_LIMITED: 'PAYMENT_RATE_LIMITED',
  PAYMENT_UNKNOWN: 'PAYMENT_UNKNOWN',
  PAYMENT_REJECTED: 'PAYMENT_REJECTED',
  PAYMENT_KEY_EXPIRED: 'PAYMENT_KEY_EXPIRED',
  PAYMENT_USER_LIMITED: 'PAYMENT_USER_LIMITED',
  /** cancelPayment: no payment has that transactionId. */
  PAYMENT_NOT_FOUND: 'PAYMENT_NOT_FOUND',
  /** cancelPayment: the payment cannot be canceled in its status (details: status, and retryAfterMs when waiting helps). */
  PAYMENT_NOT_CANCELABLE: 'PAYMENT_NOT_CANCELABLE',
  /** refundPayment: the payment is not `succeeded` (details: transactionId, status). */
  REFUND_PAYMENT_NOT_SUCCEEDED: 'REFUND_PAYMENT_NOT_SUCCEEDED',
  /** refundPayment: the amount is above what is left to refund (details: refundable, in major units). */
  REFUND_EXCEEDS_REFUNDABLE: 'REFUND_EXCEEDS_REFUNDABLE',
  /** refundPayment: the refundId was already used with other parameters. */
  REFUND_CONFLICT: 'REFUND_CONFLICT',
  /** refundPayment: another call holds this refund right now (details: retryAfterMs). */
  REFUND_IN_PROGRESS: 'REFUND_IN_PROGRESS',
  /** refundPayment: nothing was refunded and nothing is in flight (details: refundId, status 'failed'); retry with the same refundId. */
  REFUND_UNAVAILABLE: 'REFUND_UNAVAILABLE',
  /** refundPayment: no definite answer, maybe refunded (details: refundId, status 'unknown'); resolved by a repeat call or reconciliation. */
  REFUND_UNKNOWN: 'REFUND_UNKNOWN',
  /** refundPayment: the provider made the refund and then failed it (details: refundId, status 'failed'); use a new refundId. */
  REFUND_FAILED: 'REFUND_FAILED',
  /** runReconciliation while another pass runs (details: its runId). */
  RECONCILE_RUNNING: 'RECONCILE_RUNNING',
  /** Internal to the charge loop: an attempt refused before sending; never reaches a caller. */
  ATTEMPT_NOT_SENT: 'ATTEMPT_NOT_SENT',
} as const;
export type ProductErrorCode = (typeof ProductErrorCode)[keyof typeof ProductErrorCode];

/**
 * Every code an AppError of the backend may carry. `callables/toHttpsError.ts`
 * maps each one, so a new code does not compile until it has a mapping.
 */
export type ErrorCode = ProductErrorCode | ResilienceErrorCode;
