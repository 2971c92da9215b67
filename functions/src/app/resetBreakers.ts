import type { ResetBreakersResult } from '../api/index.js';
import { logEvent } from '../observability/logs/logger.js';
import type { Runtime } from './runtime.js';

/** Closes one breaker, or all of them, fleet-wide; unknown name -> UNKNOWN_BREAKER. */
export async function resetBreakers(
  rt: Runtime,
  serviceName: string | undefined,
  uid: string,
): Promise<ResetBreakersResult> {
  const names = serviceName === undefined ? rt.breakers.names() : [serviceName];
  if (serviceName === undefined) await rt.breakers.resetAll();
  else await rt.breakers.reset(serviceName);
  logEvent('breaker.reset_requested', { services: names, uid }, 'NOTICE');
  await rt.stats.publishIfDue({ force: true });
  return { reset: names, at: Date.now() };
}
