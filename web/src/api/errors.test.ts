import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from './errors';

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
