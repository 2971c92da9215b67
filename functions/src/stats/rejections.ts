/**
 * Calls refused before any work, counted by reason on each instance
 * (cumulative since the instance started), published in its stats snapshot
 * and summed over the live instances by getConnectionPoolStats. Fed by the
 * event sinks (app/subscriptions.ts): App Check refusals happen in defineCallable (lifecycle/)
 * before any handler runs, user-limit refusals in the payment handler.
 */
import { RejectionReason, type RejectionCounts } from '../api/index.js';

const REASONS = Object.values(RejectionReason);
const isReason = (r: string): r is RejectionReason => (REASONS as string[]).includes(r);

/** Every reason at 0. */
export function zeroRejections(): RejectionCounts {
  return Object.fromEntries(REASONS.map((r) => [r, 0])) as RejectionCounts;
}

/** This instance's refusal counters. */
export class RejectionCounter {
  private readonly counts = zeroRejections();

  /** Counts one refusal; reasons outside {@link RejectionReason} (breaker open, provider 429) are not refusals of a caller. */
  record(reason: string): void {
    if (isReason(reason)) this.counts[reason] += 1;
  }

  /** A copy of the counters. */
  snapshot(): RejectionCounts {
    return { ...this.counts };
  }
}

/** Fleet total; a snapshot written before rejections were published counts as zeros. */
export function sumRejections(all: (Partial<RejectionCounts> | undefined)[]): RejectionCounts {
  const total = zeroRejections();
  for (const counts of all) for (const r of REASONS) total[r] += Number(counts?.[r] ?? 0);
  return total;
}
