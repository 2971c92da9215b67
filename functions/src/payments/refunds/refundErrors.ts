import type { ErrorCode } from '../../api/index.js';
import { AppError } from '../../resilience/appError.js';

/**
 * The errors of `refundPayment` (callables/toHttpsError.ts maps their codes).
 * Amounts in details are major units of the payment's currency. An unknown
 * transactionId is PaymentNotFoundError (payments/paymentErrors.ts).
 */

/** The payment is not `succeeded`, so there is nothing to refund (`failed-precondition`). */
export class RefundPaymentNotSucceededError extends AppError<ErrorCode> {
  constructor(transactionId: string, status: string) {
    super(
      'REFUND_PAYMENT_NOT_SUCCEEDED',
      `Transaction ${transactionId} cannot be refunded: it is ${status}, not succeeded.`,
      { details: { transactionId, status } },
    );
  }
}

/** The amount is above what is left to refund (`failed-precondition`); nothing was written or sent. */
export class RefundExceedsRefundableError extends AppError<ErrorCode> {
  constructor(transactionId: string, refundable: number, currency: string) {
    super(
      'REFUND_EXCEEDS_REFUNDABLE',
      `Transaction ${transactionId} has ${refundable} ${currency} left to refund (its amount minus its succeeded and pending refunds).`,
      { details: { transactionId, refundable, currency } },
    );
  }
}

/** The refundId was used before with another amount or reason (`already-exists`). */
export class RefundConflictError extends AppError<ErrorCode> {
  constructor(transactionId: string, refundId: string) {
    super(
      'REFUND_CONFLICT',
      `Refund ${refundId} of transaction ${transactionId} already exists with different parameters; use a new refundId.`,
      { details: { transactionId, refundId } },
    );
  }
}

/** Another call holds this refund right now (`aborted`). */
export class RefundInProgressError extends AppError<ErrorCode> {
  constructor(transactionId: string, refundId: string, retryAfterMs: number) {
    super('REFUND_IN_PROGRESS', `Refund ${refundId} is in progress; retry in a moment with the same refundId.`, {
      details: { transactionId, refundId, status: 'pending', retryAfterMs },
    });
  }
}

/**
 * Nothing was refunded and nothing is in flight (breaker open, never sent, the
 * provider refused it): `unavailable`; the same refundId may be sent again.
 */
export class RefundUnavailableError extends AppError<ErrorCode> {
  constructor(
    transactionId: string,
    refundId: string,
    reason: string,
    extra: { retryAfterMs?: number; providerStatus?: number; providerCode?: string } = {},
  ) {
    super(
      'REFUND_UNAVAILABLE',
      `The refund service could not refund (${reason}); nothing was refunded. Retry with the same refundId.`,
      { details: { transactionId, refundId, status: 'failed', ...extra } },
    );
  }
}

/** No definite answer: maybe refunded (`deadline-exceeded`); a repeat call or reconciliation resolves it. */
export class RefundUnknownError extends AppError<ErrorCode> {
  constructor(transactionId: string, refundId: string, retryAfterMs?: number) {
    super(
      'REFUND_UNKNOWN',
      `The outcome of refund ${refundId} is not known yet; retry later with the same refundId to get the final result.`,
      {
        details: {
          transactionId,
          refundId,
          status: 'unknown',
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      },
    );
  }
}

/** The provider made the refund and failed it (`failed-precondition`): final; a new refund needs a new refundId. */
export class RefundFailedError extends AppError<ErrorCode> {
  constructor(transactionId: string, refundId: string, failureReason: string | null) {
    super(
      'REFUND_FAILED',
      `Refund ${refundId} failed at the provider${failureReason ? ` (${failureReason})` : ''}; nothing was refunded. Use a new refundId.`,
      { details: { transactionId, refundId, status: 'failed', failureReason } },
    );
  }
}
