import { describe, expect, it } from 'vitest';
import { ApiError, isUnreachable, toApiError } from './errors';

describe('toApiError', () => {
  it('strips the functions/ prefix and keeps message and details of a FunctionsError', () => {
    const err = Object.assign(new Error('Payment provider unavailable'), {
      code: 'functions/unavailable',
      details: { transactionId: 'txn_1', status: 'unknown', retryAfterMs: 2000 },
    });
    const apiError = toApiError(err);
    expect(apiError).toBeInstanceOf(ApiError);
    expect(apiError.code).toBe('unavailable');
    expect(apiError.message).toBe('Payment provider unavailable');
    expect(apiError.details).toEqual({ transactionId: 'txn_1', status: 'unknown', retryAfterMs: 2000 });
  });

  it('gives an empty message a readable one and drops non-object details', () => {
    const apiError = toApiError({ code: 'functions/internal', message: '', details: 'x' });
    expect(apiError.message).toBe('Request failed (internal).');
    expect(apiError.details).toBeUndefined();
  });

  it('turns plain errors and other values into code unknown', () => {
    expect(toApiError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'unknown', message: 'Failed to fetch' });
    expect(toApiError('boom')).toMatchObject({ code: 'unknown', message: 'boom' });
  });

  it('returns an ApiError unchanged', () => {
    const e = new ApiError('not-found', 'No such breaker');
    expect(toApiError(e)).toBe(e);
  });
});

describe('isUnreachable', () => {
  it.each([
    ['connection refused or no CORS answer', 'internal', 'internal [0]'],
    ['a 500 without the callable error body', 'internal', 'internal [500]'],
    ['a 503 from something other than the callable', 'unavailable', 'unavailable [503]'],
    ['a function the emulator has not loaded yet', 'not-found', 'not-found [404]'],
  ])('is true for the SDK fallback of %s', (_, code, message) => {
    expect(isUnreachable(toApiError({ code: `functions/${code}`, message }))).toBe(true);
  });

  it.each([
    [
      "the callables' own internal error",
      { code: 'functions/internal', message: 'Internal error (reference ab12). [500]' },
    ],
    ["firebase-functions' default for an unhandled error", { code: 'functions/internal', message: 'INTERNAL [500]' }],
    ['a fallback message with another code', { code: 'functions/unavailable', message: 'internal [0]' }],
    [
      'an error with details',
      { code: 'functions/unavailable', message: 'unavailable [503]', details: { retryAfterMs: 1 } },
    ],
    ['a plain network error', new TypeError('Failed to fetch')],
  ])('is false for %s', (_, err) => {
    expect(isUnreachable(toApiError(err))).toBe(false);
  });
});
