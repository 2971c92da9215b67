/** Badge tones and the mapping of the backend's state words onto them. */
import { BreakerState, PaymentStatus, PoolStatus, RefundStatus } from '../api/types';

/** Visual tones of a StatusBadge; the badge always shows text too, never colour alone. */
export const TONE = { ok: 'ok', warn: 'warn', bad: 'bad', neutral: 'neutral' } as const;
export type Tone = (typeof TONE)[keyof typeof TONE];

/** closed green, half-open amber, open red. */
export function breakerTone(state: BreakerState): Tone {
  if (state === BreakerState.closed) return TONE.ok;
  if (state === BreakerState.halfOpen) return TONE.warn;
  if (state === BreakerState.open) return TONE.bad;
  return TONE.neutral;
}

/** healthy green, saturated amber, degraded red. */
export function poolStatusTone(status: PoolStatus): Tone {
  if (status === PoolStatus.healthy) return TONE.ok;
  if (status === PoolStatus.saturated) return TONE.warn;
  if (status === PoolStatus.degraded) return TONE.bad;
  return TONE.neutral;
}

/** succeeded green; declined, failed and canceled grey (final, nothing charged); undecided or waiting amber. */
export function paymentTone(status: PaymentStatus): Tone {
  if (status === PaymentStatus.succeeded) return TONE.ok;
  if (status === PaymentStatus.declined || status === PaymentStatus.failed || status === PaymentStatus.canceled)
    return TONE.neutral;
  return TONE.warn;
}

/** succeeded green, failed red, pending or unknown amber. */
export function refundTone(status: RefundStatus): Tone {
  if (status === RefundStatus.succeeded) return TONE.ok;
  if (status === RefundStatus.failed) return TONE.bad;
  return TONE.warn;
}
