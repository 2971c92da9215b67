import {
  ExponentialBackoff,
  handleWhen,
  noJitterGenerator,
  retry,
  type GeneratorFn,
  type RetryPolicy,
} from 'cockatiel';
import { isTransientDbError } from './queryPoolErrors.js';

/** First backoff delay ceiling and the cap; delays are drawn from [0, min(cap, 100 * 2^n)). */
const BACKOFF_INITIAL_MS = 100;
const BACKOFF_MAX_MS = 2_000;

/**
 * The retry policy of the query pool's retryable queries (reads and idempotent
 * writes): `attempts` in all for transient gRPC errors, with full-jitter
 * exponential backoff drawn from `random`.
 */
export function transientRetryPolicy(attempts: number, random: () => number): RetryPolicy {
  // cockatiel's `maxAttempts` counts retries, not attempts. Its own
  // fullJitterGenerator is exactly "random in [0, exponential delay)" (full
  // jitter) but hard-wires Math.random, so the same formula is rebuilt on
  // its noJitterGenerator with the injectable random source. Unref'd delay
  // timers: the caller awaits the retry, so nothing relies on them firing
  // after the response.
  return retry(handleWhen(isTransientDbError), {
    maxAttempts: attempts - 1,
    backoff: new ExponentialBackoff({
      generator: fullJitter(random),
      initialDelay: BACKOFF_INITIAL_MS,
      maxDelay: BACKOFF_MAX_MS,
    }),
  }).dangerouslyUnref();
}

/** Full jitter (AWS "exponential backoff and jitter"): uniform in [0, capped exponential delay). */
function fullJitter(random: () => number): GeneratorFn<number> {
  return (state, options) => {
    const [ceiling, next] = noJitterGenerator(state, options);
    return [Math.floor(random() * ceiling), next];
  };
}
