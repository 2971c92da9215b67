import { getIncidentTimeline } from '../api/incidents';
import type { IncidentTimeline } from '../api/types';
import { usePolling, type Polling } from './usePolling';
import { useRefreshControl } from './useRefreshControl';

/** Polls getIncidentTimeline on the page's refresh interval. */
export function useIncidentTimeline(
  fetcher: () => Promise<IncidentTimeline> = getIncidentTimeline,
): Polling<IncidentTimeline> {
  const control = useRefreshControl();
  return usePolling(fetcher, { intervalMs: control.intervalMs, paused: control.paused, refreshOn: control.changes });
}
