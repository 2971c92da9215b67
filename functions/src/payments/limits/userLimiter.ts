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
}

/** Why a call was refused. */
export type UserLimitReason = 'user-rate' | 'user-in-flight';

/** The rule's answer: the state to write, or a refusal with when to retry. */
export type UserLimitDecision =
  { ok: true; next: UserLimitState } | { ok: false; reason: UserLimitReason; retryAfterMs: number };

/** Admits one call holding `claimId` until `leaseUntil`, or refuses it. */
export function admit(
  state: UserLimitState | undefined,
  s: UserLimitSettings,
  claimId: string,
  leaseUntil: number,
  now: number,
): UserLimitDecision {
  const perMs = s.ratePerMin / 60_000;
  const prior = state ?? { tokens: s.burst, refilledAt: now, inFlight: {} };
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
  if (!state || !(claimId in state.inFlight)) return state;
  const inFlight = { ...state.inFlight };
  delete inFlight[claimId];
  return { ...state, inFlight };
}
