import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { AppError } from '../resilience/appError.js';
import { logEvent } from '../observability/logs/logger.js';

/**
 * The one place where domain error codes become callable error codes. Codes not
 * listed here are bugs: they become `internal` with a generic message (the real
 * error goes to the logs only), never the raw error text.
 */
const CODE_MAP: Readonly<Record<string, FunctionsErrorCode>> = {
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
};

/** Converts any thrown value into an HttpsError with an explicit code. */
export function toHttpsError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  if (err instanceof AppError) {
    const code = CODE_MAP[err.code];
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
