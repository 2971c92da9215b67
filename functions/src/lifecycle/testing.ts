import type { Lifecycle } from './lifecycle.js';

/**
 * A lifecycle whose runtime is `rt` and whose end-of-call work records when it
 * ran (`afterCall`, or `afterCall (no ship)` when the call asked not to ship
 * logs), for the helpers' tests (the real one needs Firestore).
 */
export function recordingLifecycle<R>(rt: R, steps: string[]): Lifecycle<R> {
  return {
    runtime: () => rt,
    end: (_rt, call) => {
      steps.push(call.ship ? 'afterCall' : 'afterCall (no ship)');
      return Promise.resolve();
    },
  };
}
