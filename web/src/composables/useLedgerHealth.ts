import { computed, type ComputedRef } from 'vue';
import type { LedgerHealth } from '../api/types';
import { useConnectionStats, type ConnectionStats } from './useConnectionStats';

/** The ledger part of the polled connection stats. */
export type LedgerHealthState = Omit<ConnectionStats, 'data'> & {
  /** The last answer's `ledger`; null before the first answer (or from a backend that does not report it). */
  data: ComputedRef<LedgerHealth | null>;
};

/**
 * Ledger health from the page's shared getConnectionPoolStats poller: no
 * request of its own, so the panel costs nothing per interval. Errors, loading
 * and staleness are the poller's; its timers end with the page (usePolling).
 */
export function useLedgerHealth(): LedgerHealthState {
  const stats = useConnectionStats();
  // `?? null`, not just `?.`: an older backend's answer has no `ledger` field.
  const data = computed(() => stats.data.value?.ledger ?? null);
  return { ...stats, data };
}
