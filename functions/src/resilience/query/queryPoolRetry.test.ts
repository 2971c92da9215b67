import type { Firestore } from 'firebase-admin/firestore';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../appError.js';
import { failure, flush, pool } from './testing/queryPoolTestkit.js';
import { QueryPool } from './queryPool.js';

function grpcError(code: number | string): Error & { code: number | string } {
  return Object.assign(new Error(`grpc ${code}`), { code });
}

describe('QueryPool retries and error mapping', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([14, 4, 8, 10, 13, 'UNAVAILABLE', 'deadline-exceeded', 'firestore/resource-exhausted'])(
    'retries transient code %s for a read and succeeds',
    async (code) => {
      vi.useFakeTimers();
      const p = pool();
      let attempts = 0;
      const result = p.executeQuery(
        () => {
          attempts++;
          return attempts === 1 ? Promise.reject(grpcError(code)) : Promise.resolve('ok');
        },
        'read',
        { readOnly: true },
      );
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await result).toBe('ok');
      expect(attempts).toBe(2);
      expect(p.stats()).toMatchObject({ retries: 1, errors: 0, acquired: 2, active: 0 });
    },
  );

  it('retries an idempotent write with full-jitter backoff, then fails with DB_QUERY_FAILED after retryAttempts', async () => {
    vi.useFakeTimers();
    // random 0.5 -> delays floor(0.5 * 100) = 50 ms, then floor(0.5 * 200) = 100 ms.
    const p = pool({ retryAttempts: 3 });
    const errors = [grpcError(14), grpcError(14), grpcError(14)];
    let attempts = 0;
    const result = failure(
      p.executeQuery(
        () => Promise.reject(errors[attempts++] ?? new Error('more attempts than retryAttempts')),
        'setFixedDoc',
        { idempotent: true },
      ),
    );
    await flush();
    expect(attempts).toBe(1);
    expect(p.stats().active).toBe(0); // no slot held during backoff
    await vi.advanceTimersByTimeAsync(49);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(3);

    const err = await result;
    expect(err.code).toBe('DB_QUERY_FAILED');
    expect(err.cause).toBe(errors[2]);
    expect(err.details).toEqual({
      name: 'setFixedDoc',
      grpcStatus: 'UNAVAILABLE',
      grpcCode: 14,
      attempts: 3,
      transient: true,
      retryable: true,
    });
    expect(p.stats()).toMatchObject({ retries: 2, errors: 1, acquired: 3, active: 0 });
  });

  it('does not retry a transient error of a non-idempotent write', async () => {
    const p = pool();
    let attempts = 0;
    const err = await failure(
      p.executeQuery(() => {
        attempts++;
        return Promise.reject(grpcError('UNAVAILABLE'));
      }, 'commitPayment'),
    );
    expect(attempts).toBe(1);
    expect(err.code).toBe('DB_QUERY_FAILED');
    expect(err.details).toMatchObject({
      grpcStatus: 'UNAVAILABLE',
      grpcCode: 'UNAVAILABLE',
      transient: true,
      retryable: false,
    });
    expect(err.message).toContain('may already have been applied');
    expect(p.stats()).toMatchObject({ retries: 0, errors: 1 });
  });

  it('does not retry a non-transient error, even for a read', async () => {
    const p = pool();
    let attempts = 0;
    const original = grpcError(9);
    const err = await failure(
      p.executeQuery(
        () => {
          attempts++;
          return Promise.reject(original);
        },
        'readNeedsIndex',
        { readOnly: true },
      ),
    );
    expect(attempts).toBe(1);
    expect(err.cause).toBe(original);
    expect(err.details).toMatchObject({
      grpcStatus: 'FAILED_PRECONDITION',
      grpcCode: 9,
      transient: false,
      attempts: 1,
    });
  });

  it('rethrows an AppError from fn unchanged and does not count it as a database error', async () => {
    const p = pool();
    const business = new AppError<string>('INSUFFICIENT_FUNDS', 'not enough funds');
    await expect(p.executeQuery(() => Promise.reject(business), 'debit', { idempotent: true })).rejects.toBe(business);
    expect(p.stats()).toMatchObject({ errors: 0, retries: 0, active: 0 });
  });

  it('obtains the db lazily and releases the slot when getDb throws', async () => {
    const getDb = vi.fn<() => Firestore>(() => {
      throw new Error('default app not initialised');
    });
    const p = new QueryPool({ getDb, max: 1 });
    expect(getDb).not.toHaveBeenCalled();
    const err = await failure(p.executeQuery(() => Promise.resolve('x'), 'read'));
    expect(err.code).toBe('DB_QUERY_FAILED');
    expect(err.details).toMatchObject({ grpcStatus: null, grpcCode: null });
    expect(p.stats()).toMatchObject({ active: 0, errors: 1 });
  });
});
