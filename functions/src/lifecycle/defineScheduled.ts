import { onSchedule, type ScheduleOptions, type ScheduledEvent } from 'firebase-functions/v2/scheduler';
import type { Runtime } from '../app/runtime.js';
import { appLifecycle, withLifecycle, type Lifecycle } from './lifecycle.js';

/** A scheduled function's work, given the runtime. */
export type ScheduledWork<R = Runtime> = (rt: R, event: ScheduledEvent) => Promise<void>;

/**
 * The handler onSchedule runs: the work inside the shared lifecycle
 * (lifecycle.ts), so the end-of-call work runs even when the work throws; the
 * error still reaches the platform, which records the run as failed.
 */
export function scheduledHandler<R>(work: ScheduledWork<R>, lifecycle: Lifecycle<R>) {
  return (event: ScheduledEvent): Promise<void> => withLifecycle(lifecycle, (rt) => work(rt, event));
}

/** Defines a 2nd-gen scheduled function whose calls share the lifecycle of every function. */
export function defineScheduled(options: ScheduleOptions, work: ScheduledWork) {
  return onSchedule(options, scheduledHandler(work, appLifecycle));
}
