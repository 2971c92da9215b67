import { inject, provide, ref, type InjectionKey, type Ref } from 'vue';
import { getConnectionPoolStats } from '../api/pools';
import type { ConnectionPoolStats } from '../api/types';
import { usePolling, type Polling } from './usePolling';
import { useRefreshControl, type RefreshControl } from './useRefreshControl';

/** Polled getConnectionPoolStats, shared by the connection pools, ledger health and CloudWatch panels. */
export type ConnectionStats = Polling<ConnectionPoolStats> & {
  /** True while a health-check fetch is running. */
  checking: Ref<boolean>;
  /** Fetches with `{ check: true }` so every service is probed before the numbers come back. */
  runHealthChecks: () => Promise<void>;
};

const connectionStatsKey: InjectionKey<ConnectionStats> = Symbol('connection-stats');

function createConnectionStats(control: RefreshControl): ConnectionStats {
  const polling = usePolling(() => getConnectionPoolStats(), {
    intervalMs: control.intervalMs,
    paused: control.paused,
    refreshOn: control.changes,
  });
  const checking = ref(false);
  async function runHealthChecks(): Promise<void> {
    checking.value = true;
    try {
      await polling.refresh(() => getConnectionPoolStats({ check: true }));
    } finally {
      checking.value = false;
    }
  }
  return { ...polling, checking, runHealthChecks };
}

/**
 * Creates the one poller of the page and shares it with the panels below (one
 * request per interval, not two). The control is passed in because a component
 * cannot inject what it provides itself.
 */
export function provideConnectionStats(control: RefreshControl): ConnectionStats {
  const stats = createConnectionStats(control);
  provide(connectionStatsKey, stats);
  return stats;
}

/** The page's shared poller, or a private one when a panel is used on its own. */
export function useConnectionStats(): ConnectionStats {
  return inject(connectionStatsKey, null) ?? createConnectionStats(useRefreshControl());
}
