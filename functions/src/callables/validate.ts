import type { z } from 'zod';
import { AppError } from '../resilience/appError.js';
import type { ErrorCode } from '../api/index.js';

/** Largest payload any callable accepts, in characters of its JSON (a payment request is under 300). */
export const MAX_PAYLOAD_CHARS = 4096;

/**
 * The payload without its top-level `null` fields. The Firebase web SDK sends an
 * `undefined` field as `null` (`{ seal: undefined }` arrives as `{ seal: null }`),
 * and no request gives `null` a meaning of its own, so a null field is an absent one.
 */
function withoutNulls(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  if (!Object.values(data).includes(null)) return data;
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null));
}

/**
 * Parses a callable payload with a zod schema, turning problems into one
 * `INVALID_ARGUMENT` error whose message lists every bad field.
 */
export function parsePayload<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  // Checked before any parsing work: a huge payload costs nothing but this.
  const size = JSON.stringify(data ?? {}).length;
  if (size > MAX_PAYLOAD_CHARS) {
    throw new AppError<ErrorCode>(
      'INVALID_ARGUMENT',
      `Invalid request: payload is ${size} characters, at most ${MAX_PAYLOAD_CHARS}`,
      {
        details: { problems: [`payload: at most ${MAX_PAYLOAD_CHARS} characters`] },
      },
    );
  }
  const result = schema.safeParse(withoutNulls(data ?? {}));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'payload';
    return `${where}: ${issue.message}`;
  });
  throw new AppError<ErrorCode>('INVALID_ARGUMENT', `Invalid request: ${problems.join('; ')}`, {
    details: { problems },
  });
}
