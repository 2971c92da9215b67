import { describe, expect, it } from 'vitest';
import { admit, release, type UserLimitState } from './userLimiter.js';

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
});
