import { afterCall, beginCall, completeCall, type CallCompleted } from '../app/housekeeping.js';
import { runtime, type Runtime } from '../app/runtime.js';
import type { PhaseTimer } from '../observability/metrics/phaseTimer.js';

/**
 * The life of one call of any deployed function (callable, HTTP or scheduled):
 * take the process-wide runtime, do the work, then the end-of-call work
 * (app/housekeeping.ts: stats publish, metrics drain, CloudWatch flush) in a
 * `finally`, so a call that throws still publishes and ships its logs before
 * Cloud Functions throttles the CPU. The parts are injectable so the helpers'
 * tests can watch them without Firestore.
 */
export interface Lifecycle<R = Runtime> {
  runtime(): R;
  /**
   * Once the call is admitted (its caller checked): starts, without waiting,
   * what the end-of-call work would wait for, so it overlaps the work.
   */
  begin?(rt: R): void;
  /** The end-of-call work, as the work left `call`. */
  end(rt: R, call: CallControl): Promise<void>;
}

/** What the work may say about its own call. */
export interface CallControl {
  /**
   * False skips the log shipper: a refusal of unauthenticated traffic that
   * logged nothing of its own (floods are logged one line per interval and
   * ship with that line's call). The stats snapshot is published as for any call.
   */
  ship: boolean;
  /** Set by a callable once it knows its caller: the end-of-call work is timed into `phases`, then `call.completed` logged. */
  completed?: { phases: PhaseTimer; fields: CallCompleted };
}

/** The deployed functions' lifecycle: app/runtime.ts and app/housekeeping.ts. */
export const appLifecycle: Lifecycle = {
  runtime,
  begin: beginCall,
  end: (rt, call) =>
    call.completed
      ? completeCall(rt, call.completed.phases, call.completed.fields)
      : afterCall(rt, { ship: call.ship }),
};

/** Runs `work` with the runtime and always runs the end-of-call work after it, whether it returned or threw. */
export async function withLifecycle<R, T>(
  lifecycle: Lifecycle<R>,
  work: (rt: R, call: CallControl) => Promise<T>,
): Promise<T> {
  const rt = lifecycle.runtime();
  const call: CallControl = { ship: true };
  try {
    return await work(rt, call);
  } finally {
    await lifecycle.end(rt, call);
  }
}
