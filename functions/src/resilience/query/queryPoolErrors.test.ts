import { describe, expect, it } from 'vitest';
import { AppError } from '../appError.js';
import { grpcStatusOf, isTransientDbError, QueryFailedError } from './queryPoolErrors.js';

const withCode = (code: unknown): Error => Object.assign(new Error('x'), { code });

describe('grpcStatusOf / isTransientDbError', () => {
  it.each([
    [14, 'UNAVAILABLE'],
    [4, 'DEADLINE_EXCEEDED'],
    ['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED'],
    ['aborted', 'ABORTED'],
    ['firestore/internal', 'INTERNAL'],
    ['failed-precondition', 'FAILED_PRECONDITION'],
  ])('reads code %s as %s', (code, status) => {
    expect(grpcStatusOf(withCode(code))).toBe(status);
  });

  it('returns undefined for errors without a gRPC code', () => {
    expect(grpcStatusOf(new Error('plain'))).toBeUndefined();
    expect(grpcStatusOf(withCode(99))).toBeUndefined();
    expect(grpcStatusOf(withCode('ECONNRESET'))).toBeUndefined();
    expect(grpcStatusOf(null)).toBeUndefined();
  });

  it('treats only the five transient statuses as transient, and never an AppError', () => {
    for (const code of [14, 4, 8, 10, 13]) expect(isTransientDbError(withCode(code))).toBe(true);
    for (const code of [3, 5, 6, 7, 9, 16]) expect(isTransientDbError(withCode(code))).toBe(false);
    expect(isTransientDbError(new AppError<string>('UNAVAILABLE', 'app-level'))).toBe(false);
  });
});

describe('QueryFailedError', () => {
  it('keeps the cause, the code and caller-safe details, not the original message', () => {
    const cause = withCode(9);
    cause.message = 'no index for users/alice/payments';
    const err = new QueryFailedError(
      { name: 'list', grpcStatus: 'FAILED_PRECONDITION', grpcCode: 9, attempts: 1, transient: false, retryable: true },
      cause,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err.name).toBe('QueryFailedError');
    expect(err.code).toBe('DB_QUERY_FAILED');
    expect(err.cause).toBe(cause);
    expect(err.message).not.toContain('alice');
    expect(err.message).toContain('FAILED_PRECONDITION after 1 attempt.');
  });
});
