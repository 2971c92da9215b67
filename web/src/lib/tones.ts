/** Badge tones and the mapping of the backend's state words onto them. */
import { BREAKER_STATE, POOL_STATUS, type BreakerState, type PoolStatus } from '../api/types';

/** Visual tones of a StatusBadge; the badge always shows text too, never colour alone. */
export const TONE = { ok: 'ok', warn: 'warn', bad: 'bad', neutral: 'neutral' } as const;
export type Tone = (typeof TONE)[keyof typeof TONE];

/** closed green, half-open amber, open red. */
export function breakerTone(state: BreakerState): Tone {
  if (state === BREAKER_STATE.closed) return TONE.ok;
  if (state === BREAKER_STATE.halfOpen) return TONE.warn;
  if (state === BREAKER_STATE.open) return TONE.bad;
  return TONE.neutral;
}

/** healthy green, saturated amber, degraded red. */
export function poolStatusTone(status: PoolStatus): Tone {
  if (status === POOL_STATUS.healthy) return TONE.ok;
  if (status === POOL_STATUS.saturated) return TONE.warn;
  if (status === POOL_STATUS.degraded) return TONE.bad;
  return TONE.neutral;
}
