import { logEvent } from '../observability/logs/logger.js';
import type { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import type { Runtime } from './runtime.js';

/** What the end-of-call work uses of the runtime. */
export interface CallRuntime {
  stats: Pick<Runtime['stats'], 'publishIfDue'>;
  shipper: Pick<NonNullable<Runtime['shipper']>, 'enqueue' | 'flush'> | null;
  metrics: Runtime['metrics'];
  cfg: Pick<Runtime['cfg'], 'CLOUDWATCH_FLUSH_BUDGET_MS'>;
}

/** Phases of the end-of-call work, measured into the call's PhaseTimer (`call.completed`'s `phasesMs`). */
export const HousekeepingPhase = {
  /** Publishing this instance's stats snapshot (only when it was due and written). */
  publish: 'publish',
  /** Handing metrics to the CloudWatch shipper and flushing it (only with a shipper). */
  flush: 'flush',
} as const;

/**
 * End-of-call housekeeping for every function (run by lifecycle/lifecycle.ts):
 * the work that cannot be left to background timers, since Cloud Functions
 * throttles CPU after the response. Publishes this instance's stats when due,
 * hands metrics to the shipper and flushes logs within
 * CLOUDWATCH_FLUSH_BUDGET_MS (`ship: false` skips the shipper: a refused
 * request that logged nothing of its own). Never throws, never changes a result.
 * With `phases`, the publication (when one was written) and the flush are timed.
 */
export async function afterCall(rt: CallRuntime, opts: { ship?: boolean; phases?: PhaseTimer } = {}): Promise<void> {
  const { phases } = opts;
  try {
    const publishing = phases?.start();
    if ((await rt.stats.publishIfDue()) && publishing) phases?.add(HousekeepingPhase.publish, publishing());
    if (rt.shipper && opts.ship !== false) {
      const flushing = phases?.start();
      for (const event of rt.metrics.drain()) rt.shipper.enqueue(event);
      await rt.shipper.flush({ budgetMs: rt.cfg.CLOUDWATCH_FLUSH_BUDGET_MS });
      if (flushing) phases?.add(HousekeepingPhase.flush, flushing());
    }
  } catch (err) {
    logEvent('call.housekeeping_failed', { error: err }, 'WARNING');
  }
}

/** The fields of `call.completed` besides the phases. */
export interface CallCompleted {
  callable: string;
  uid: string;
  /** `ok` or the HttpsError code the caller got. */
  outcome: string;
  /** Time the handler took, ms (the end-of-call work is in `phasesMs`). */
  durationMs: number;
}

/**
 * Ends a call: the end-of-call work (afterCall, timed into `phases`), then
 * the phases as CallPhaseLatency samples and the one `call.completed` event
 * with `phasesMs`. Logged after the flush so the flush's own time is in it;
 * the event reaches CloudWatch with the next call's flush.
 */
export async function completeCall(rt: CallRuntime, phases: PhaseTimer, call: CallCompleted): Promise<void> {
  await afterCall(rt, { phases });
  const phasesMs = phases.snapshot();
  rt.metrics.recordPhases(phasesMs);
  logEvent('call.completed', { ...call, phasesMs }, call.outcome === 'ok' ? 'INFO' : 'WARNING');
}
