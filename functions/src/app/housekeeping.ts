import { logEvent } from '../observability/logs/logger.js';
import { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import type { Runtime } from './runtime.js';

/** What the end-of-call work uses of the runtime. */
export interface CallRuntime {
  stats: Pick<Runtime['stats'], 'publishIfDue'>;
  shipper: Pick<NonNullable<Runtime['shipper']>, 'enqueue' | 'flush' | 'prepare'> | null;
  metrics: Runtime['metrics'];
  cfg: Pick<Runtime['cfg'], 'CLOUDWATCH_FLUSH_BUDGET_MS'>;
  /** The call's event publishes for other systems (absent or null: none). */
  events?: Pick<NonNullable<Runtime['events']>, 'settle'> | null;
}

/** Phases of the end-of-call work, measured into the call's PhaseTimer (`call.completed`'s `phasesMs`). */
export const HousekeepingPhase = {
  /** Publishing this instance's stats snapshot (only when it was due and written). */
  publish: 'publish',
  /** Handing metrics to the CloudWatch shipper and flushing it (only with a shipper). */
  flush: 'flush',
  /** Waiting for the call's Eventarc publishes, beside the stats publish (only when it started one). */
  eventarc: 'eventarc',
} as const;

/**
 * Start of a call's own work (once its caller is known, so refused floods
 * cause no reads): starts what the end-of-call flush would otherwise wait for
 * (the CloudWatch breaker's refresh when its copy is due, one Firestore read at
 * most once a second), so it runs while the call works. Never throws.
 */
export function beginCall(rt: Pick<CallRuntime, 'shipper'>): void {
  rt.shipper?.prepare();
}

/** Publishes this instance's stats snapshot when due, timed into `phases` when one was written. */
async function publishStats(rt: CallRuntime, phases: PhaseTimer | undefined): Promise<void> {
  const publishing = phases?.start();
  if ((await rt.stats.publishIfDue()) && publishing) phases?.add(HousekeepingPhase.publish, publishing());
}

/**
 * Waits for the Eventarc publishes the call started (each bounded by EVENTARC_PUBLISH_MS), timed into
 * `phases` when there was one: after the answer the CPU is throttled, so they cannot be left to run.
 */
async function settleEvents(rt: CallRuntime, phases: PhaseTimer | undefined): Promise<void> {
  if (!rt.events) return;
  const waiting = phases?.start();
  if ((await rt.events.settle()) && waiting) phases?.add(HousekeepingPhase.eventarc, waiting());
}

/** The end-of-call work that runs before the logs are written and shipped: stats and events, side by side. */
const beforeShipping = (rt: CallRuntime, phases: PhaseTimer | undefined) =>
  Promise.all([publishStats(rt, phases), settleEvents(rt, phases)]);

/**
 * Hands the metrics to the shipper and flushes it within the budget; returns
 * how long that took (null without a shipper, or with `ship: false`).
 */
async function shipLogs(rt: CallRuntime, ship: boolean | undefined, phases?: PhaseTimer): Promise<number | null> {
  if (!rt.shipper || ship === false) return null;
  const elapsed = (phases ?? new PhaseTimer()).start();
  for (const event of rt.metrics.drain()) rt.shipper.enqueue(event);
  await rt.shipper.flush({ budgetMs: rt.cfg.CLOUDWATCH_FLUSH_BUDGET_MS });
  return elapsed();
}

/**
 * End-of-call housekeeping for every function (run by lifecycle/lifecycle.ts):
 * the work that cannot be left to background timers, since Cloud Functions
 * throttles CPU after the response. Publishes this instance's stats when due
 * while the call's Eventarc publishes end, hands metrics to the shipper and flushes logs within
 * CLOUDWATCH_FLUSH_BUDGET_MS (`ship: false` skips the shipper: a refused
 * request that logged nothing of its own). Never throws, never changes a result.
 */
export async function afterCall(rt: CallRuntime, opts: { ship?: boolean } = {}): Promise<void> {
  try {
    await beforeShipping(rt, undefined);
    await shipLogs(rt, opts.ship);
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
  /** Time the handler took, ms to 0.1 on the phases' clock (the end-of-call work is in `phasesMs`). */
  durationMs: number;
}

/**
 * Ends a call: publishes the stats when due and waits for its Eventarc publishes (each timed), logs the one
 * `call.completed` event with `phasesMs` and records the phases as
 * CallPhaseLatency samples, then flushes, so the event reaches CloudWatch with
 * this call's own flush (an instance may get no next call to carry it). The
 * flush cannot report its own time in what it ships: its duration is a
 * CallPhaseLatency sample (Phase=flush) that ships with the next flush, and is
 * not in `phasesMs`. Never throws, never changes a result.
 */
export async function completeCall(rt: CallRuntime, phases: PhaseTimer, call: CallCompleted): Promise<void> {
  try {
    await beforeShipping(rt, phases);
    const phasesMs = phases.snapshot();
    rt.metrics.recordPhases(phasesMs);
    logEvent('call.completed', { ...call, phasesMs }, call.outcome === 'ok' ? 'INFO' : 'WARNING');
    const flushMs = await shipLogs(rt, true, phases);
    if (flushMs !== null) rt.metrics.recordPhases({ [HousekeepingPhase.flush]: flushMs });
  } catch (err) {
    logEvent('call.housekeeping_failed', { error: err }, 'WARNING');
  }
}
