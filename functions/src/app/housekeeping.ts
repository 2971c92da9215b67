import { logEvent } from '../observability/logs/logger.js';
import type { Runtime } from './runtime.js';

/**
 * End-of-call housekeeping for every function (callables and the schedule):
 * the work that cannot be left to background timers, since Cloud Functions
 * throttles CPU after the response. Publishes this instance's stats when due,
 * hands metrics to the shipper and flushes logs within
 * CLOUDWATCH_FLUSH_BUDGET_MS (`ship: false` skips the shipper: a refused
 * request that logged nothing of its own). Never throws, never changes a result.
 */
export async function afterCall(rt: Runtime, opts: { ship?: boolean } = {}): Promise<void> {
  try {
    await rt.stats.publishIfDue();
    if (rt.shipper && opts.ship !== false) {
      for (const event of rt.metrics.drain()) rt.shipper.enqueue(event);
      await rt.shipper.flush({ budgetMs: rt.cfg.CLOUDWATCH_FLUSH_BUDGET_MS });
    }
  } catch (err) {
    logEvent('call.housekeeping_failed', { error: err }, 'WARNING');
  }
}
