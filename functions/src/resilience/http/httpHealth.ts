import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** Result of the last health check of a service. */
export interface HealthResult {
  /** True when the service answered its health check in time. */
  ok: boolean;
  /** When the check finished, ISO 8601. */
  checkedAt: string;
  /** Duration of the check in milliseconds. */
  latencyMs: number;
  /**
   * Why it failed. Services with a health path: `HTTP_<status>`, or an error
   * code such as `HTTP_TIMEOUT` or `HTTP_CONNECTION:ECONNREFUSED`. Services with
   * a {@link HealthProbe}: the probe's words, or `no answer within <n> ms`.
   * Never a URL, header or secret.
   */
  error?: string;
}

/**
 * A service's own cheap health call, for services whose requests an outside
 * client sends (see `HttpPoolManager.registerAgent`). Resolves with undefined
 * when healthy, or with the problem in words (no URL, header or secret). It
 * should stop when `signal` aborts; the check stops waiting for it then anyway.
 */
export type HealthProbe = (signal: AbortSignal) => Promise<string | undefined>;

/** A health check ready to run: resolves with the problem, or undefined when healthy. */
export type HealthCheck = () => Promise<string | undefined>;

/** Marks the async context of a running health check, so its requests are not counted as traffic. */
const checking = new AsyncLocalStorage<true>();

/** True inside a health check started by {@link runHealthCheck} (its requests are not counted in `requests`). */
export function inHealthCheck(): boolean {
  return checking.getStore() === true;
}

/** Runs `check`, times it and builds its result. Never throws. */
export async function runHealthCheck(check: HealthCheck): Promise<HealthResult> {
  const started = performance.now();
  let error: string | undefined;
  try {
    error = await checking.run(true, check);
  } catch {
    error = 'the health check failed unexpectedly';
  }
  return {
    ok: error === undefined,
    checkedAt: new Date().toISOString(),
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * `probe` bounded by `timeoutMs`: at the deadline its signal aborts and the
 * check reports that no answer came. The deadline timer is cleared as soon as
 * the probe settles, so nothing runs after the call that asked for the check.
 */
export function boundedProbe(probe: HealthProbe, timeoutMs: number): HealthCheck {
  return async () => {
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
        resolve(`no answer within ${timeoutMs} ms`);
      }, timeoutMs);
    });
    try {
      return await Promise.race([probe(deadline.signal), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}
