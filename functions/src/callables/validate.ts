import type { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Parses a callable payload with a zod schema, turning problems into one
 * `INVALID_ARGUMENT` error whose message lists every bad field.
 */
export function parsePayload<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'payload';
    return `${where}: ${issue.message}`;
  });
  throw new AppError('INVALID_ARGUMENT', `Invalid request: ${problems.join('; ')}`, {
    details: { problems },
  });
}
