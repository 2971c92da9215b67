import { ref, watch, type Ref } from 'vue';
import { getDatabasePoolStatus } from '../api/pools';
import type { DatabasePoolStatus } from '../api/types';
import { usePolling, type Polling } from './usePolling';
import { useRefreshControl } from './useRefreshControl';

/** How many fleet samples the chart keeps (5 min at the default 5 s interval). */
export const HISTORY_POINTS = 60;

/** One chart sample of the fleet's query pool. */
export type PoolPoint = { at: number; active: number; pending: number };

/** Polls getDatabasePoolStatus and keeps the last HISTORY_POINTS fleet samples for the chart. */
export function useDatabasePool(): Polling<DatabasePoolStatus> & { history: Ref<PoolPoint[]> } {
  const control = useRefreshControl();
  const polling = usePolling(getDatabasePoolStatus, {
    intervalMs: control.intervalMs,
    paused: control.paused,
    refreshOn: control.changes,
  });
  const history = ref<PoolPoint[]>([]);
  watch(polling.data, (status) => {
    if (!status) return;
    const last = history.value.at(-1);
    // The backend may answer from the same snapshot twice; one point per snapshot.
    if (last && last.at >= status.at) return;
    const point = { at: status.at, active: status.fleet.active, pending: status.fleet.pending };
    history.value = [...history.value, point].slice(-HISTORY_POINTS);
  });
  return { ...polling, history };
}
