/**
 * One error shape for everything the page shows: callable errors (FunctionsError,
 * code `functions/<code>`), simulator control errors and network failures.
 */

/** An error ready for display: a stable code, a message for a person, and optional details. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** Stable code without the `functions/` prefix, e.g. `unavailable`. */
    readonly code: string,
    message: string,
    /** Server-provided details, e.g. `{ transactionId, status, retryAfterMs }`. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Normalises anything thrown into an ApiError. Callable errors keep their code
 * (prefix stripped) and details; anything else becomes `unknown` with its text.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isRecord(err) && typeof err.code === 'string') {
    const code = err.code.replace(/^functions\//, '');
    const message = typeof err.message === 'string' && err.message ? err.message : `Request failed (${code}).`;
    const details = isRecord(err.details) ? err.details : undefined;
    return new ApiError(code, message, details);
  }
  if (err instanceof Error) return new ApiError('unknown', err.message || err.name);
  return new ApiError('unknown', String(err));
}

/**
 * True when a callable failed without an answer of its own. The Firebase SDK
 * then falls back to the bare code plus the HTTP status as the message: the
 * request never got through (connection refused, functions emulator still
 * starting: `internal [0]`), or something other than the callable answered
 * without the callable protocol's error body (a worker replaced during a
 * reload: `internal [500]`, `unavailable [503]`, `not-found [404]`). Errors the
 * callables raise always carry a message of their own, so they never match.
 */
export function isUnreachable(error: ApiError): boolean {
  const fallback = /^([a-z-]+) \[\d{1,3}\]$/.exec(error.message);
  return fallback !== null && fallback[1] === error.code && error.details === undefined;
}
