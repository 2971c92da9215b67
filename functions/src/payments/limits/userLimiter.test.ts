import { describe, expect, it } from 'vitest';
import { admit, release, settle, type UserLimitState } from './userLimiter.js';

const S = { ratePerMin: 30, burst: 10, maxInFlight: 3 };

describe('per-user limits', () => {
  it('lets a burst through, then refuses with the time until the next token', () => {
    let state: UserLimitState | undefined;
    for (let i = 0; i < 10; i++) {
      const d = admit(state, { ...S, maxInFlight: 100 }, `c${i}`, 1000, 0);
      expect(d.ok).toBe(true);
      if (d.ok) state = d.next;
    }
    expect(admit(state, { ...S, maxInFlight: 100 }, 'c10', 1000, 0)).toEqual({
      ok: false,
      reason: 'user-rate',
      retryAfterMs: 2000, // 30 per minute: one token every 2 s
    });
    expect(admit(state, { ...S, maxInFlight: 100 }, 'c10', 1000, 2000).ok).toBe(true);
  });

  it('refuses more than maxInFlight live claims, and frees a slot on release or when a lease ends', () => {
    let state: UserLimitState | undefined;
    for (const id of ['a', 'b', 'c']) {
      const d = admit(state, S, id, 5000, 0);
      if (!d.ok) throw new Error('expected admission');
      state = d.next;
    }
    expect(admit(state, S, 'd', 5000, 10)).toEqual({ ok: false, reason: 'user-in-flight', retryAfterMs: 4990 });
    expect(admit(release(state, 'b'), S, 'd', 5000, 10).ok).toBe(true);
    expect(admit(state, S, 'd', 9000, 5001).ok).toBe(true); // the leases ended: those calls died
  });

  it('refills at the configured rate up to the burst', () => {
    const empty: UserLimitState = { tokens: 0, refilledAt: 0, inFlight: {} };
    const d = admit(empty, S, 'x', 1, 60 * 60_000);
    expect(d.ok && d.next.tokens).toBe(S.burst - 1);
  });

  it('folds blind spends into the bucket in time order, refilling up to each', () => {
    // Full bucket at 0; spends at 0, 0 and 4000 (2 tokens refilled by then, capped at the burst).
    const state: UserLimitState = { tokens: 10, refilledAt: 0, inFlight: {}, spent: { b: 0, c: 4000, a: 0 } };
    expect(settle(state, S, 5000)).toEqual({ tokens: 9, refilledAt: 4000, inFlight: {} });
    // Admission counts them: 10 spends on one copy empty the bucket like 10 admitted calls.
    const spent = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, 100]));
    const drained: UserLimitState = { tokens: 10, refilledAt: 100, inFlight: {}, spent };
    expect(admit(drained, S, 'x', 100, 100)).toEqual({ ok: false, reason: 'user-rate', retryAfterMs: 2000 });
    // Over-admitted concurrent spends leave the bucket below zero: the user waits longer.
    const over: UserLimitState = { tokens: 0, refilledAt: 100, inFlight: {}, spent: { a: 100, b: 100 } };
    expect(admit(over, S, 'x', 100, 100)).toMatchObject({ ok: false, retryAfterMs: 6000 });
    // The admitted state has them folded and no `spent` left to count twice.
    const d = admit({ tokens: 10, refilledAt: 0, inFlight: {}, spent: { a: 0 } }, S, 'x', 10, 0);
    expect(d).toEqual({ ok: true, next: { tokens: 8, refilledAt: 0, inFlight: { x: 10 } } });
  });

  it('a document holding only blind spends starts from a full bucket', () => {
    const onlySpent = { spent: { a: 50 } } as unknown as UserLimitState;
    expect(settle(onlySpent, S, 60)).toEqual({ tokens: 9, refilledAt: 50, inFlight: {} });
  });
});
