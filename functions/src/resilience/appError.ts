/**
 * Base class for every error the backend raises on purpose.
 *
 * Errors are identified by their stable `code` (never by message text), carry the
 * underlying `cause`, and may carry `details` that are safe to show to a caller
 * (no secrets, no other user's data). Callables map codes to HttpsError codes in
 * one place (`callables/toHttpsError.ts`).
 */
export class AppError extends Error {
  /** Stable, machine-readable identifier, e.g. `BREAKER_OPEN`. */
  readonly code: string;
  /** Caller-safe structured context. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** True when `err` is an AppError with the given code. */
export function hasCode(err: unknown, code: string): err is AppError {
  return err instanceof AppError && err.code === code;
}
