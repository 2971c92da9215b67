import { getHealth } from '../api/health';
import type { HealthDeepReport } from '../api/types';
import { usePolling, type Polling } from './usePolling';
import { useRefreshControl } from './useRefreshControl';

/**
 * Polls the `health` endpoint's deep view on the page's refresh interval. The
 * endpoint caches its checks for a few seconds, so polling adds no provider traffic.
 */
export function useHealth(fetcher: () => Promise<HealthDeepReport> = () => getHealth()): Polling<HealthDeepReport> {
  const control = useRefreshControl();
  return usePolling(fetcher, { intervalMs: control.intervalMs, paused: control.paused });
}
