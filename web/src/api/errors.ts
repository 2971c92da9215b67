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
