import type { ErrorCode } from '../api/index.js';
import { AppError } from '../resilience/appError.js';

/** The transactionId belongs to another user (no details of that payment are given). */
export class PaymentForbiddenError extends AppError<ErrorCode> {
  constructor(transactionId: string) {
    super('PAYMENT_FORBIDDEN', `Transaction ${transactionId} belongs to another user.`);
  }
}

/** The transactionId was already used with a different amount, currency or method. */
export class PaymentConflictError extends AppError<ErrorCode> {
  constructor(transactionId: string) {
    super(
      'PAYMENT_CONFLICT',
      `Transaction ${transactionId} already exists with different parameters; use a new transactionId.`,
      {
        details: { transactionId },
      },
    );
  }
}

/** Another call is processing the same transactionId right now. */
export class PaymentInProgressError extends AppError<ErrorCode> {
  constructor(transactionId: string, retryAfterMs: number) {
    super(
      'PAYMENT_IN_PROGRESS',
      `Transaction ${transactionId} is in progress; retry in a moment with the same transactionId.`,
      {
        details: { transactionId, status: 'pending', retryAfterMs },
      },
    );
  }
}

/** The provider certainly did not charge; the payment may be retried with the same transactionId. */
export class PaymentUnavailableError extends AppError<ErrorCode> {
  constructor(transactionId: string, retryAfterMs: number, reason: string, cause?: unknown) {
    super(
      'PAYMENT_UNAVAILABLE',
      `Payment service unavailable (${reason}); nothing was charged. Retry with the same transactionId.`,
      {
        cause,
        details: { transactionId, status: 'failed', retryAfterMs },
      },
    );
  }
}

/** The provider kept answering 429; nothing was charged. */
export class PaymentRateLimitedError extends AppError<ErrorCode> {
  constructor(transactionId: string, retryAfterMs: number) {
    super(
      'PAYMENT_RATE_LIMITED',
      'The payment service is rate limiting requests; nothing was charged. Retry later with the same transactionId.',
      {
        details: { transactionId, status: 'failed', retryAfterMs },
      },
    );
  }
}

/** The outcome is unknown (the provider may have charged); a repeat call with the same id resolves it. */
export class PaymentUnknownError extends AppError<ErrorCode> {
  constructor(transactionId: string, cause?: unknown, retryAfterMs?: number) {
    super(
      'PAYMENT_UNKNOWN',
      `The outcome of transaction ${transactionId} is not known yet; retry later with the same transactionId to get the final result.`,
      {
        cause,
        details: { transactionId, status: 'unknown', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      },
    );
  }
}

/** The provider refused the request for a reason other than a decline (400, 401, 403, 404, 409, 422). */
export class PaymentRejectedError extends AppError<ErrorCode> {
  constructor(transactionId: string, providerStatus: number, providerCode: string | undefined) {
    super(
      'PAYMENT_REJECTED',
      `The payment service rejected the request (HTTP ${providerStatus}${providerCode ? ` ${providerCode}` : ''}); nothing was charged.`,
      {
        details: { transactionId, status: 'failed', providerStatus, providerCode },
      },
    );
  }
}

/**
 * The transactionId is older than the provider's idempotency-key retention:
 * sending it again could charge twice, so it is never sent; nothing was charged.
 */
export class PaymentKeyExpiredError extends AppError<ErrorCode> {
  constructor(transactionId: string) {
    super(
      'PAYMENT_KEY_EXPIRED',
      `Transaction ${transactionId} is too old to be retried safely and was not charged; start a new payment with a new transactionId.`,
      { details: { transactionId, status: 'failed' } },
    );
  }
}

/** The user is over a per-user limit; nothing was written or sent. */
export class PaymentUserLimitedError extends AppError<ErrorCode> {
  constructor(
    transactionId: string,
    /** Which limit refused the call. */
    readonly reason: 'user-rate' | 'user-in-flight',
    retryAfterMs: number,
  ) {
    const what = reason === 'user-rate' ? 'too many payments in a short time' : 'too many payments at once';
    super(
      'PAYMENT_USER_LIMITED',
      `Slow down: ${what}. Nothing was charged; retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
      {
        details: { transactionId, reason, retryAfterMs },
      },
    );
  }
}

/** No payment has this transactionId (cancelPayment). */
export class PaymentNotFoundError extends AppError<ErrorCode> {
  constructor(transactionId: string) {
    super('PAYMENT_NOT_FOUND', `No payment has transactionId ${transactionId}.`, { details: { transactionId } });
  }
}

/**
 * The payment cannot be canceled (cancelPayment): it is final, charged, being
 * processed, or not yet provably uncharged. `status` is the one it has (as
 * recorded, or as the provider answered); `retryAfterMs` when a later cancel may pass.
 */
export class PaymentNotCancelableError extends AppError<ErrorCode> {
  constructor(transactionId: string, status: string, why: string, retryAfterMs?: number) {
    super('PAYMENT_NOT_CANCELABLE', `Transaction ${transactionId} cannot be canceled: it is ${status} (${why}).`, {
      details: { transactionId, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    });
  }
}
