import { PaymentUserLimitedError } from '../paymentErrors.js';
import { admit, type UserLimitSettings, type UserLimitState } from './userLimiter.js';

/**
 * A ledger step that also writes the caller's spend of one request from its
 * per-user limits (state of `userLimits/{uid}`): every such request spends a
 * token, whatever the step decided, so a refusal cannot be used to probe
 * without limit. It holds no in-flight slot past the step (a cancel or a refund
 * sends one request, not a charge). Over a limit: PAYMENT_USER_LIMITED, and
 * nothing is written.
 */
export function withSpend<S extends object>(
  step: S,
  user: UserLimitState | undefined,
  transactionId: string,
  claimId: string,
  now: number,
  limits: UserLimitSettings,
): S & { user: UserLimitState } {
  const decision = admit(user, limits, claimId, now, now);
  if (!decision.ok) throw new PaymentUserLimitedError(transactionId, decision.reason, decision.retryAfterMs);
  return { ...step, user: decision.next };
}
