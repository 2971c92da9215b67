import { AppError } from '../appError.js';

/** Thrown instead of calling a service whose breaker is open. */
export class BreakerOpenError extends AppError {
  /** `details`: `{ service, openedAt, retryAt }` (ISO strings) and `retryAfterMs`. */
  constructor(service: string, openedAt: number, retryAt: number, now: number, cause?: unknown) {
    const [opened, retry] = [new Date(openedAt).toISOString(), new Date(retryAt).toISOString()];
    super(
      'BREAKER_OPEN',
      `${service} is unavailable (circuit open since ${clock(opened)}); retry after ${clock(retry)}.`,
      {
        cause,
        details: { service, openedAt: opened, retryAt: retry, retryAfterMs: Math.max(0, retryAt - now) },
      },
    );
  }
}

/** Thrown for breaker settings that cannot work. */
export class BreakerConfigError extends AppError {
  constructor(message: string) {
    super('BREAKER_CONFIG_INVALID', message);
  }
}

/** `HH:MM:SSZ` of an ISO timestamp, for messages. */
function clock(iso: string): string {
  return `${iso.slice(11, 19)}Z`;
}
