import { describe, expect, it } from 'vitest';
import { AppError } from '../../resilience/appError.js';
import { withSpend } from './spendStep.js';

const NOW = 1_700_000_000_000;
const limits = { ratePerMin: 60, burst: 2, maxInFlight: 5 };
const refused = { write: { kind: 'none' as const }, result: { kind: 'refused' as const } };

describe('withSpend', () => {
  it('spends a token for a refusal too, keeps the step, and holds no in-flight slot', () => {
    const spent = withSpend(refused, undefined, 'tx-1', 'k1', NOW, limits);
    expect(spent.write).toEqual({ kind: 'none' });
    expect(spent.result).toEqual({ kind: 'refused' });
    expect(spent.user.tokens).toBe(1);
    expect(Object.values(spent.user.inFlight).filter((until) => until > NOW)).toEqual([]);
  });

  it('spends from the state it is given: the last token, then PAYMENT_USER_LIMITED', () => {
    const first = withSpend(refused, undefined, 'tx-1', 'k1', NOW, limits).user;
    const second = withSpend(refused, first, 'tx-1', 'k2', NOW, limits).user;
    expect(second.tokens).toBe(0);
    expect(() => withSpend(refused, second, 'tx-1', 'k3', NOW, limits)).toThrow(AppError);
  });

  it('over the limit: PAYMENT_USER_LIMITED naming the transaction and the limit, and nothing written', () => {
    const empty = { tokens: 0, refilledAt: NOW, inFlight: {} };
    let thrown: unknown;
    try {
      withSpend({ write: { kind: 'update' as const } }, empty, 'tx-1', 'k1', NOW, limits);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: 'PAYMENT_USER_LIMITED',
      details: { transactionId: 'tx-1', reason: 'user-rate' },
    });
  });
});
