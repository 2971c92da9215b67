import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { classifyAttempt } from './paymentHandler.js';
import { mayHaveReached, retryAfterMs } from './providerClient.js';

describe('provider answers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });

  it('counts overload and transport faults as breaker failures, business answers as successes', () => {
    expect(classifyAttempt({ ok: true, value: { kind: 'succeeded', chargeId: 'c' } })).toBe('success');
    expect(classifyAttempt({ ok: true, value: { kind: 'declined', chargeId: 'c', declineCode: 'x' } })).toBe('success');
    expect(classifyAttempt({ ok: true, value: { kind: 'rejected', httpStatus: 409 } })).toBe('success');
    expect(classifyAttempt({ ok: true, value: { kind: 'rate-limited', retryAfterMs: 1000 } })).toBe('failure');
    expect(classifyAttempt({ ok: true, value: { kind: 'server-error', httpStatus: 503 } })).toBe('failure');
    expect(classifyAttempt({ ok: false, error: new AppError('HTTP_TIMEOUT', 't') })).toBe('failure');
    expect(classifyAttempt({ ok: false, error: new AppError('HTTP_ABORTED', 'a') })).toBe('ignored');
  });

  it('treats a request as possibly delivered unless the pool says it never connected', () => {
    expect(
      mayHaveReached(new AppError('HTTP_CONNECTION', 'refused', { details: { mayHaveReachedServer: false } })),
    ).toBe(false);
    expect(mayHaveReached(new AppError('HTTP_TIMEOUT', 't', { details: { mayHaveReachedServer: true } }))).toBe(true);
    expect(mayHaveReached(new Error('anything else'))).toBe(true);
  });
});
