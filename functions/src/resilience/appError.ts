import type { ResilienceErrorCode } from './errorCodeTypes.js';

export { ResilienceErrorCode } from './errorCodeTypes.js';

/**
 * Base class for every error the backend raises on purpose.
 *
 * Errors are identified by their stable `code` (never by message text), carry the
 * underlying `cause`, and may carry `details` that are safe to show to a caller
 * (no secrets, no other user's data). `C` is the code list the raiser draws
 * from: resilience/ its own ({@link ResilienceErrorCode}), the product the full
 * `ErrorCode` of api/errors.ts; callables map those codes to HttpsError codes in
 * one place (`callables/toHttpsError.ts`).
 */
export class AppError<C extends string = ResilienceErrorCode> extends Error {
  /** Stable, machine-readable identifier, e.g. `BREAKER_OPEN`. */
  readonly code: C;
  /** Caller-safe structured context. */
  readonly details: Record<string, unknown> | undefined;

  /** `code` is checked against `C` (not inferred from it), so a misspelt code does not compile. */
  constructor(code: NoInfer<C>, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/**
 * True when `err` is an AppError with the given code; `code` is checked against
 * `C` (resilience/'s codes unless the caller names its list), so a misspelt code does not compile.
 */
export function hasCode<C extends string = ResilienceErrorCode>(err: unknown, code: NoInfer<C>): err is AppError<C> {
  return err instanceof AppError && err.code === code;
}

/** True when `err` is an AppError of any code list (`instanceof` alone would type its code `any`). */
export function isAppError(err: unknown): err is AppError<string> {
  return err instanceof AppError;
}
