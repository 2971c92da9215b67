/**
 * Calls refused before any work: why, and how many.
 * Part of the callables' contract (see api/index.ts): import-free, the SPA bundles it.
 */

/**
 * Why a call was refused before any work was done: its App Check token was
 * missing, invalid or already used (every callable), or its user was over a
 * per-user limit (`processPayment`). Also `details.reason` of those errors.
 */
export const RejectionReason = {
  appCheckMissing: 'app-check-missing',
  appCheckInvalid: 'app-check-invalid',
  appCheckReplayed: 'app-check-replayed',
  userRate: 'user-rate',
  userInFlight: 'user-in-flight',
} as const;
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];
/** Refused calls by reason: per instance since it started; fleet-wide, summed over live instances. */
export type RejectionCounts = Record<RejectionReason, number>;
