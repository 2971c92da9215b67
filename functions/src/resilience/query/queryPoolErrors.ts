import { AppError } from '../appError.js';

/**
 * gRPC status names by numeric code. Firestore (via google-gax) rejects with
 * errors whose `code` is this number; the names keep messages readable.
 */
export const GRPC_STATUS = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
} as const;

/** A gRPC status name such as `UNAVAILABLE`. */
export type GrpcStatusName = (typeof GRPC_STATUS)[keyof typeof GRPC_STATUS];

/**
 * Statuses worth retrying: the server did not (or may not have) done the work
 * and a later attempt can succeed. Only safe for reads and idempotent writes.
 */
export const TRANSIENT_GRPC_STATUSES: ReadonlySet<GrpcStatusName> = new Set([
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'ABORTED',
  'INTERNAL',
]);

/**
 * The gRPC status name of a Firestore error, or undefined when `err` carries
 * none. Accepts the numeric code (admin SDK), the upper-snake name, and the
 * web-SDK style (`unavailable`, `firestore/deadline-exceeded`).
 */
export function grpcStatusOf(err: unknown): GrpcStatusName | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  if (typeof code === 'number') return (GRPC_STATUS as Record<number, GrpcStatusName>)[code];
  if (typeof code !== 'string') return undefined;
  const normalised = code
    .replace(/^firestore\//, '')
    .replace(/-/g, '_')
    .toUpperCase();
  return (Object.values(GRPC_STATUS) as string[]).includes(normalised) ? (normalised as GrpcStatusName) : undefined;
}

/** True when `err` is a Firestore/gRPC error with a transient status. AppErrors never are. */
export function isTransientDbError(err: unknown): boolean {
  if (err instanceof AppError) return false;
  const status = grpcStatusOf(err);
  return status !== undefined && TRANSIENT_GRPC_STATUSES.has(status);
}

/** Pool numbers attached to {@link PoolExhaustedError}. */
export interface PoolExhaustedDetails {
  /** Label of the query that could not get a slot. */
  name: string;
  max: number;
  active: number;
  /** Callers still waiting after this one gave up. */
  pending: number;
  waitedMs: number;
}

/** No query slot became free within the acquire timeout. Callables map it to `resource-exhausted`. */
export class PoolExhaustedError extends AppError {
  constructor(details: PoolExhaustedDetails) {
    super(
      'DB_POOL_EXHAUSTED',
      `database pool exhausted: ${details.active}/${details.max} active, ${details.pending} waiting, ` +
        `waited ${details.waitedMs} ms for "${details.name}". Retry shortly; if it persists, look for ` +
        'slow queries or raise VUE_APP_MAX_CONNECTIONS.',
      { details: { ...details } },
    );
  }
}

/**
 * A query passed its deadline. The underlying Firestore call may still finish
 * (a write may still be applied): the caller must not assume it did not happen.
 */
export class QueryTimeoutError extends AppError {
  constructor(name: string, timeoutMs: number) {
    super(
      'DB_QUERY_TIMEOUT',
      `database query "${name}" did not finish within ${timeoutMs} ms. It may still complete in the ` +
        'background, so check the result before repeating a write; raise VUE_APP_DATABASE_TIMEOUT only ' +
        'if the query is expected to be this slow.',
      { details: { name, timeoutMs } },
    );
  }
}

/** Context attached to {@link QueryFailedError}. */
export interface QueryFailedDetails {
  name: string;
  /** Original gRPC status name, or null when the error carried none. */
  grpcStatus: GrpcStatusName | null;
  /** Original `code` exactly as Firestore gave it (number or string), or null. */
  grpcCode: number | string | null;
  attempts: number;
  transient: boolean;
  /** Whether the pool was allowed to retry (read-only or idempotent query). */
  retryable: boolean;
}

/**
 * A Firestore call failed. The original error is the `cause` (it may name
 * document paths, so it belongs in logs, not in the message).
 */
export class QueryFailedError extends AppError {
  constructor(details: QueryFailedDetails, cause: unknown) {
    const status = details.grpcStatus ?? 'an error without a gRPC status';
    let advice: string;
    if (!details.transient) advice = 'This is not a transient error; retrying will not help (see the cause).';
    else if (details.retryable) advice = 'Firestore is unavailable or overloaded; retry later.';
    else advice = 'It was not retried because the write may already have been applied; check before repeating it.';
    super(
      'DB_QUERY_FAILED',
      `database query "${details.name}" failed with ${status} after ${details.attempts} ` +
        `attempt${details.attempts === 1 ? '' : 's'}. ${advice}`,
      { cause, details: { ...details } },
    );
  }
}
