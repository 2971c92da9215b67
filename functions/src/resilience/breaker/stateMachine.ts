/**
 * The fleet breaker's state machine: pure read-modify-write steps over one
 * service's shared record, run inside `BreakerStore.transact`.
 */
import { BreakerState } from './breakerTypes.js';
import type { FleetBreakerState } from './breakerStore.js';

/** Why a breaker changed state. */
export const TransitionReasons = {
  /** closed -> open: the failure rate of an instance's window reached the threshold. */
  failureRate: 'failure-rate',
  /** open -> half-open: the open time elapsed and a probe took a lease. */
  openElapsed: 'open-elapsed',
  /** half-open -> closed. */
  probeSucceeded: 'probe-succeeded',
  /** half-open -> open. */
  probeFailed: 'probe-failed',
  /** any -> closed by an operator. */
  reset: 'reset',
  /** Another instance made the change; this instance adopted it on refresh. */
  synced: 'synced',
} as const;

/** One of {@link TransitionReasons}. */
export type TransitionReason = (typeof TransitionReasons)[keyof typeof TransitionReasons];

/** What a transition reports: the record after it, whether it wrote, and the state before. */
export interface TransitionResult {
  after: FleetBreakerState;
  changed: boolean;
  from: BreakerState;
}

/** A pure read-modify-write step for {@link BreakerStore.transact}. */
export type Transition = (current: FleetBreakerState | null) => {
  next: FleetBreakerState | null;
  result: TransitionResult;
};

/** A closed record of the given generation. */
export function closedRecord(generation: number, now: number): FleetBreakerState {
  return {
    state: BreakerState.closed,
    generation,
    openedAt: null,
    nextProbeAt: null,
    probeLeases: [],
    failureRate: 0,
    calls: 0,
    updatedAt: now,
  };
}

const unchanged = (c: FleetBreakerState) => ({ next: null, result: { after: c, changed: false, from: c.state } });
const changedTo = (c: FleetBreakerState, next: FleetBreakerState) => ({
  next,
  result: { after: next, changed: true, from: c.state },
});
const opened = (
  c: FleetBreakerState,
  now: number,
  openMs: number,
  calls: number,
  failureRate: number,
): FleetBreakerState => ({
  ...c,
  state: BreakerState.open,
  openedAt: now,
  nextProbeAt: now + openMs,
  probeLeases: [],
  calls,
  failureRate,
  updatedAt: now,
});

/**
 * The fleet transitions, each conditional on the record it reads so that
 * instances with stale copies converge instead of flapping, and so that
 * replaying one after an ambiguous commit changes nothing more (except reset,
 * where a second generation bump is harmless). A missing record is closed, generation 0.
 */
export const Transitions = {
  /** closed -> open, unless someone opened, closed or reset it (new generation) since the window began. */
  open:
    (now: number, generation: number, openMs: number, calls: number, failureRate: number): Transition =>
    (cur) => {
      const c = cur ?? closedRecord(0, 0);
      if (c.state !== BreakerState.closed || c.generation !== generation) return unchanged(c);
      return changedTo(c, opened(c, now, openMs, calls, failureRate));
    },

  /** Takes probe lease `id` (open past nextProbeAt or half-open, fewer than `probes` live leases); open -> half-open. */
  acquire:
    (now: number, id: string, probes: number, leaseMs: number): Transition =>
    (cur) => {
      const c = cur ?? closedRecord(0, 0);
      const live = c.probeLeases.filter((l) => l.expiresAt > now);
      const waiting = c.state === BreakerState.open && now < (c.nextProbeAt ?? 0);
      if (
        c.state === BreakerState.closed ||
        waiting ||
        live.length >= probes ||
        c.probeLeases.some((l) => l.id === id)
      ) {
        return unchanged(c);
      }
      return changedTo(c, {
        ...c,
        state: BreakerState.halfOpen,
        probeLeases: [...live, { id, expiresAt: now + leaseMs }],
        updatedAt: now,
      });
    },

  /**
   * Applies a probe's verdict while the record is still half-open in the
   * probe's generation: success closes (new generation), failure reopens (the
   * record's calls/failureRate then describe the probe: 1 call, 100 %), ignored
   * just gives the lease back.
   */
  finishProbe:
    (
      now: number,
      leaseId: string,
      generation: number,
      verdict: 'success' | 'failure' | 'ignored',
      openMs: number,
    ): Transition =>
    (cur) => {
      const c = cur ?? closedRecord(0, 0);
      if (c.state !== BreakerState.halfOpen || c.generation !== generation) return unchanged(c);
      if (verdict === 'success') return changedTo(c, closedRecord(c.generation + 1, now));
      if (verdict === 'failure') return changedTo(c, opened(c, now, openMs, 1, 100));
      if (!c.probeLeases.some((l) => l.id === leaseId)) return unchanged(c);
      return changedTo(c, { ...c, probeLeases: c.probeLeases.filter((l) => l.id !== leaseId), updatedAt: now });
    },

  /** any -> closed, new generation, no leases. */
  reset:
    (now: number): Transition =>
    (cur) =>
      changedTo(cur ?? closedRecord(0, 0), closedRecord((cur?.generation ?? 0) + 1, now)),
};
