import { performance } from 'node:perf_hooks';
import {
  combineLookups,
  settlesFirst,
  type CombinedMiss,
  type EndpointAt,
  type LookupPlan,
  type LookupReading,
} from './endpointRoutes.js';

/**
 * Carries out a lookup plan (endpointRoutes.ts lookupRoute) within
 * `timeoutMs`, asking each endpoint with `askAt`: all at once when every
 * answer is needed anyway; otherwise the pinned endpoint first, alone, with
 * half the time when others may answer instead (a hung pinned endpoint must
 * not use it all), then the rest together with what is left, when its answer
 * settles nothing. The same for a charge's lookup and a refund's.
 */
export async function lookupAlong<A extends LookupReading>(
  plan: LookupPlan,
  timeoutMs: number,
  askAt: (at: EndpointAt, timeoutMs: number) => Promise<A>,
): Promise<A | CombinedMiss> {
  const targets = [...(plan.first ? [plan.first] : []), ...plan.rest];
  if (plan.notFound === 'all') {
    return combineLookups(plan, await Promise.all(targets.map((at) => askAt(at, timeoutMs))));
  }
  const until = performance.now() + timeoutMs;
  const answers: A[] = [];
  if (plan.first) {
    const first = await askAt(plan.first, plan.rest.length > 0 ? Math.ceil(timeoutMs / 2) : timeoutMs);
    if (settlesFirst(plan, first)) return first;
    answers.push(first);
  }
  const leftMs = Math.floor(until - performance.now());
  if (plan.rest.length > 0 && leftMs > 0) {
    answers.push(...(await Promise.all(plan.rest.map((at) => askAt(at, leftMs)))));
  }
  return combineLookups(plan, answers);
}
