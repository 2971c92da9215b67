/**
 * Per-user limits on processPayment, as a pure rule over one record per user
 * (`userLimits/{uid}`), applied atomically with the payment's claim: a token
 * bucket (`ratePerMin` refill, `burst` capacity) and at most `maxInFlight`
 * calls holding a claim at once. In-flight entries carry their claim's lease,
 * so a call that died frees its slot when its lease ends.
 */

/** Settings [PAYMENT_USER_RATE_PER_MIN, PAYMENT_USER_BURST, PAYMENT_USER_MAX_IN_FLIGHT]. */
export interface UserLimitSettings {
  ratePerMin: number;
  burst: number;
  maxInFlight: number;
}

/** The stored state of one user's limits. */
export interface UserLimitState {
  /** Tokens left at `refilledAt` (fractional). */
  tokens: number;
  refilledAt: number;
  /** claimId -> leaseUntil of the calls holding a claim. */
  inFlight: Record<string, number>;
  /**
   * claimId -> time of calls that spent one token with a blind write (a key
   * each, so concurrent writers never overwrite each other) and are not yet
   * folded into `tokens`: see {@link settle}. Absent when there are none.
   */
  spent?: Record<string, number>;
}

/** Why a call was refused. */
export type UserLimitReason = 'user-rate' | 'user-in-flight';

/** The rule's answer: the state to write, or a refusal with when to retry. */
export type UserLimitDecision =
  { ok: true; next: UserLimitState } | { ok: false; reason: UserLimitReason; retryAfterMs: number };

/**
 * The state with its blind spends (`spent`) folded into the bucket, in time
 * order, as if each had been admitted by a conditional write at its time: the
 * bucket refills up to each spend and loses one token there (it may go below
 * zero when concurrent spends were admitted on one copy; the user then waits
 * longer). A document holding only blind spends starts from a full bucket.
 */
export function settle(state: UserLimitState | undefined, s: UserLimitSettings, now: number): UserLimitState {
  if (!state) return { tokens: s.burst, refilledAt: now, inFlight: {} };
  const perMs = s.ratePerMin / 60_000;
  let tokens = typeof state.tokens === 'number' ? state.tokens : s.burst;
  let refilledAt = typeof state.refilledAt === 'number' ? state.refilledAt : 0;
  for (const at of Object.values(state.spent ?? {}).sort((a, b) => a - b)) {
    tokens = Math.min(s.burst, tokens + Math.max(0, at - refilledAt) * perMs) - 1;
    refilledAt = Math.max(refilledAt, at);
  }
  return { tokens, refilledAt, inFlight: state.inFlight ?? {} };
}

/** Admits one call holding `claimId` until `leaseUntil`, or refuses it. */
export function admit(
  state: UserLimitState | undefined,
  s: UserLimitSettings,
  claimId: string,
  leaseUntil: number,
  now: number,
): UserLimitDecision {
  const perMs = s.ratePerMin / 60_000;
  const prior = settle(state, s, now);
  const tokens = Math.min(s.burst, prior.tokens + Math.max(0, now - prior.refilledAt) * perMs);
  const live = Object.entries(prior.inFlight).filter(([, until]) => until > now);
  if (live.length >= s.maxInFlight) {
    const soonest = Math.min(...live.map(([, until]) => until));
    return { ok: false, reason: 'user-in-flight', retryAfterMs: Math.max(100, soonest - now) };
  }
  if (tokens < 1) return { ok: false, reason: 'user-rate', retryAfterMs: Math.ceil((1 - tokens) / perMs) };
  return {
    ok: true,
    next: { tokens: tokens - 1, refilledAt: now, inFlight: { ...Object.fromEntries(live), [claimId]: leaseUntil } },
  };
}

/** Frees the in-flight slot of a finished call. */
export function release(state: UserLimitState | undefined, claimId: string): UserLimitState | undefined {
  if (!state?.inFlight || !(claimId in state.inFlight)) return state;
  const inFlight = { ...state.inFlight };
  delete inFlight[claimId];
  return { ...state, inFlight };
}
