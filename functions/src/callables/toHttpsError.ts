import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import type { ErrorCode } from '../api/index.js';
import { isAppError } from '../resilience/appError.js';
import { logEvent } from '../observability/logs/logger.js';

/**
 * The one place where domain error codes become callable error codes: every
 * {@link ErrorCode} is listed, so a new code does not compile until it is
 * mapped. `null` marks codes that never reach a caller unless something is a
 * bug: they (and codes outside the list) become `internal` with a generic
 * message (the real error goes to the logs only), never the raw error text.
 */
const CODE_MAP: Readonly<Record<ErrorCode, FunctionsErrorCode | null>> = {
  INVALID_ARGUMENT: 'invalid-argument',
  NOT_IMPLEMENTED: 'unimplemented',
  UNKNOWN_BREAKER: 'not-found',
  BREAKER_OPEN: 'unavailable',
  DB_POOL_EXHAUSTED: 'resource-exhausted',
  DB_QUERY_TIMEOUT: 'deadline-exceeded',
  DB_QUERY_FAILED: 'unavailable',
  CONFIG_INVALID: 'failed-precondition',
  PAYMENT_FORBIDDEN: 'permission-denied',
  PAYMENT_CONFLICT: 'already-exists',
  PAYMENT_IN_PROGRESS: 'aborted',
  PAYMENT_UNAVAILABLE: 'unavailable',
  PAYMENT_RATE_LIMITED: 'resource-exhausted',
  PAYMENT_UNKNOWN: 'deadline-exceeded',
  PAYMENT_REJECTED: 'failed-precondition',
  PAYMENT_KEY_EXPIRED: 'failed-precondition',
  PAYMENT_USER_LIMITED: 'resource-exhausted',
  PAYMENT_NOT_FOUND: 'not-found',
  PAYMENT_NOT_CANCELABLE: 'failed-precondition',
  REFUND_PAYMENT_NOT_SUCCEEDED: 'failed-precondition',
  REFUND_EXCEEDS_REFUNDABLE: 'failed-precondition',
  REFUND_CONFLICT: 'already-exists',
  REFUND_IN_PROGRESS: 'aborted',
  REFUND_UNAVAILABLE: 'unavailable',
  REFUND_UNKNOWN: 'deadline-exceeded',
  REFUND_FAILED: 'failed-precondition',
  RECONCILE_RUNNING: 'aborted',
  BREAKER_CONFIG_INVALID: null,
  HTTP_TIMEOUT: null,
  HTTP_CONNECTION: null,
  HTTP_ABORTED: null,
  UNKNOWN_SERVICE: null,
  HTTP_POOL_CONFIG: null,
  DB_POOL_CONFIG_INVALID: null,
  ATTEMPT_NOT_SENT: null,
};

/** True when `code` is one of {@link ErrorCode} (the map lists every one). */
const isErrorCode = (code: string): code is ErrorCode => Object.prototype.hasOwnProperty.call(CODE_MAP, code);

/** Converts any thrown value into an HttpsError with an explicit code. */
export function toHttpsError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  if (isAppError(err)) {
    const code = isErrorCode(err.code) ? CODE_MAP[err.code] : null;
    if (code) return new HttpsError(code, err.message, { code: err.code, ...err.details });
  }
  const reference = Math.random().toString(36).slice(2, 10);
  logEvent(
    'call.unhandled_error',
    { reference, error: err, stack: err instanceof Error ? err.stack : undefined },
    'ERROR',
  );
  return new HttpsError('internal', `Internal error (reference ${reference}).`, { reference });
}
