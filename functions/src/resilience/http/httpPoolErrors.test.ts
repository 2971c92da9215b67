import { describe, expect, it } from 'vitest';
import { AppError, hasCode } from '../appError.js';
import {
  HttpAbortedError,
  HttpConnectionError,
  HttpPoolConfigError,
  HttpTimeoutError,
  UnknownServiceError,
} from './httpPoolErrors.js';

describe('HTTP pool errors', () => {
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const errors = [
    new HttpTimeoutError({ service: 'psp', timeoutMs: 100, waitingForSocket: true, mayHaveReachedServer: false }),
    new HttpConnectionError({ service: 'psp', errno: 'ECONNRESET', mayHaveReachedServer: true }, cause),
    new HttpAbortedError({ service: 'psp', mayHaveReachedServer: false }),
    new UnknownServiceError('psp'),
    new HttpPoolConfigError('psp', 'maxSockets must be a positive integer, got 0'),
  ];

  it('are AppErrors with stable codes and their own names', () => {
    expect(errors.map((e) => [e.name, e.code])).toEqual([
      ['HttpTimeoutError', 'HTTP_TIMEOUT'],
      ['HttpConnectionError', 'HTTP_CONNECTION'],
      ['HttpAbortedError', 'HTTP_ABORTED'],
      ['UnknownServiceError', 'UNKNOWN_SERVICE'],
      ['HttpPoolConfigError', 'HTTP_POOL_CONFIG'],
    ]);
    expect(errors.every((e) => e instanceof AppError && hasCode(e, e.code))).toBe(true);
    expect(errors[1]?.cause).toBe(cause);
  });

  it('name the service and say what to do', () => {
    for (const e of errors) expect(e.message).toContain('"psp"');
    expect(errors[0]?.message).toMatch(/waiting for a free connection/);
    expect(
      new HttpTimeoutError({ service: 'psp', timeoutMs: 5, waitingForSocket: false, mayHaveReachedServer: true })
        .message,
    ).toMatch(/check its health/);
    expect(errors[1]?.message).toContain('ECONNRESET');
  });
});
