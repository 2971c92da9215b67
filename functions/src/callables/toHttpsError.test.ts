import { HttpsError } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireAdmin, requireUser } from '../access/auth.js';
import type { ErrorCode } from '../api/index.js';
import { AppError } from '../resilience/appError.js';
import {
  PaymentConflictError,
  PaymentForbiddenError,
  PaymentInProgressError,
  PaymentRateLimitedError,
  PaymentRejectedError,
  PaymentUnavailableError,
  PaymentUnknownError,
} from '../payments/paymentErrors.js';
import { toHttpsError } from './toHttpsError.js';
import { parsePayload } from './validate.js';

describe('callable boundary', () => {
  it('maps domain codes to explicit HttpsError codes with safe details', () => {
    const e = toHttpsError(
      new AppError('BREAKER_OPEN', 'payment-service is unavailable', { details: { retryAfterMs: 5 } }),
    );
    expect(e.code).toBe('unavailable');
    expect(e.details).toEqual({ code: 'BREAKER_OPEN', retryAfterMs: 5 });
    expect(toHttpsError(new AppError<ErrorCode>('PAYMENT_UNKNOWN', 'x')).code).toBe('deadline-exceeded');
    expect(toHttpsError(new AppError<ErrorCode>('PAYMENT_IN_PROGRESS', 'x')).code).toBe('aborted');
    expect(toHttpsError(new AppError<string>('SOMETHING_UNMAPPED', 'x')).code).toBe('internal');
  });

  it('keeps the mechanisms internal codes from callers: they become internal, message hidden', () => {
    const internal: ErrorCode[] = ['HTTP_TIMEOUT', 'ATTEMPT_NOT_SENT', 'DB_POOL_CONFIG_INVALID'];
    for (const code of internal) {
      const e = toHttpsError(new AppError<ErrorCode>(code, 'secret detail'));
      expect(e.code, code).toBe('internal');
      expect(e.message).not.toContain('secret');
    }
  });

  it('gives every payment error its callable code, with transactionId in the details', () => {
    const cases: [AppError<ErrorCode>, string][] = [
      [new PaymentForbiddenError('t1'), 'permission-denied'],
      [new PaymentConflictError('t1'), 'already-exists'],
      [new PaymentInProgressError('t1', 100), 'aborted'],
      [new PaymentUnavailableError('t1', 1000, 'circuit open'), 'unavailable'],
      [new PaymentRateLimitedError('t1', 1000), 'resource-exhausted'],
      [new PaymentUnknownError('t1'), 'deadline-exceeded'],
      [new PaymentRejectedError('t1', 400, 'bad'), 'failed-precondition'],
    ];
    for (const [err, code] of cases) {
      const e = toHttpsError(err);
      expect(e.code, err.code).toBe(code);
      if (!(err instanceof PaymentForbiddenError)) expect(e.details).toMatchObject({ transactionId: 't1' });
    }
  });

  it('never leaks an unexpected error message', () => {
    const e = toHttpsError(new Error('secret connection string postgres://u:p@h'));
    expect(e.code).toBe('internal');
    expect(e.message).not.toContain('postgres');
    expect(e.message).toMatch(/reference [a-z0-9]+/);
  });

  it('turns payload problems into one invalid-argument listing each field', () => {
    const schema = z.strictObject({ a: z.number(), b: z.string().optional() });
    expect(parsePayload(schema, { a: 1 })).toEqual({ a: 1 });
    let err: unknown;
    try {
      parsePayload(schema, { a: 'x', c: 1 });
    } catch (e) {
      err = e;
    }
    expect(toHttpsError(err).code).toBe('invalid-argument');
    expect((err as AppError<ErrorCode>).message).toMatch(/a: .*;/);
    expect((err as AppError<ErrorCode>).message).toMatch(/Unrecognized key/i);
  });

  it('requires a user, and the admin claim for admin callables', () => {
    expect(() => requireUser({ auth: undefined })).toThrow(HttpsError);
    expect(() => requireUser({ auth: undefined })).toThrow(/Sign in/);
    const user = { auth: { uid: 'u1', token: { admin: false } } } as never;
    expect(requireUser(user)).toEqual({ uid: 'u1', admin: false });
    expect(() => requireAdmin(user)).toThrow(/admins only/);
    expect(requireAdmin({ auth: { uid: 'a', token: { admin: true } } } as never)).toEqual({ uid: 'a', admin: true });
  });
});
