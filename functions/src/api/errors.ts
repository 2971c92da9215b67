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
