import { BreakerConfigError } from './breakerErrors.js';

/** Breaker settings; the app's config keys are in brackets. */
export interface BreakerOptions {
  /** Failure rate in percent (0 < x <= 100) over the window at which the breaker opens [CIRCUIT_FAILURE_THRESHOLD]. */
  failureThreshold: number;
  /**
   * Calls this instance must have made in the window before the failure rate may
   * open the breaker; that many failures in a row within the window open it too,
   * whatever the rate [CIRCUIT_MIN_CALLS].
   */
  minCalls: number;
  /** Length of the rolling window, ms [CIRCUIT_WINDOW_MS]. */
  windowMs: number;
  /** Time the breaker stays open before a probe may run, ms [CIRCUIT_OPEN_MS]. */
  openMs: number;
  /** Probe calls allowed at once across the whole fleet while half-open [CIRCUIT_HALF_OPEN_PROBES]. */
  halfOpenProbes: number;
  /** Lifetime of a probe lease, ms: the call's attempt deadline plus a margin, so a crashed prober cannot wedge the breaker. */
  probeLeaseMs: number;
  /** A local copy older than this is refreshed from the store before the next call, ms. */
  refreshMs: number;
  /**
   * Longest a call waits for that refresh, ms; then it goes on with the local
   * copy (the refresh still lands), so a saturated query pool never blocks a call.
   */
  refreshWaitMs: number;
}

/** Defaults of {@link BreakerOptions}. */
export const DEFAULT_BREAKER_OPTIONS: Readonly<BreakerOptions> = {
  failureThreshold: 50,
  minCalls: 5,
  windowMs: 10_000,
  openMs: 30_000,
  halfOpenProbes: 1,
  probeLeaseMs: 20_000,
  refreshMs: 1_000,
  refreshWaitMs: 200,
};

/** Returns `o` unchanged when every setting can work; otherwise throws {@link BreakerConfigError} listing all problems. */
export function validBreakerOptions(o: BreakerOptions): BreakerOptions {
  const problems: string[] = [];
  if (!(o.failureThreshold > 0 && o.failureThreshold <= 100))
    problems.push('failureThreshold must be a percentage in (0, 100]');
  for (const key of ['minCalls', 'halfOpenProbes'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) problems.push(`${key} must be an integer >= 1`);
  }
  for (const key of ['windowMs', 'openMs', 'probeLeaseMs'] as const) {
    if (!(o[key] > 0)) problems.push(`${key} must be > 0`);
  }
  if (!(o.refreshMs >= 0)) problems.push('refreshMs must be >= 0');
  if (!(o.refreshWaitMs >= 0)) problems.push('refreshWaitMs must be >= 0');
  if (problems.length > 0) throw new BreakerConfigError(`Invalid circuit breaker settings: ${problems.join('; ')}.`);
  return o;
}
