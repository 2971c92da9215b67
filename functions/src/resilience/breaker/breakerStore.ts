/**
 * Where a fleet-wide circuit breaker keeps its shared state.
 *
 * Cloud Functions instances share no memory, so the breaker of one service is
 * one record per service in a store every instance reaches (Firestore in
 * production, see breakerStoreFirestore.ts; an in-memory map in tests). Every
 * transition is a read-modify-write inside `transact`, so concurrent instances
 * converge on one state instead of overwriting each other.
 */

/** Breaker states. */
export const BreakerStates = {
  closed: 'closed',
  open: 'open',
  halfOpen: 'half-open',
} as const;

/** One breaker state: `closed`, `open` or `half-open`. */
export type BreakerState = (typeof BreakerStates)[keyof typeof BreakerStates];

/** A fleet-wide permission for one instance to run one half-open probe call. */
export interface ProbeLease {
  /** Random id chosen by the instance that holds the lease. */
  id: string;
  /** Epoch ms after which the lease is void, so a crashed prober cannot wedge the breaker. */
  expiresAt: number;
}

/** The shared record of one service's breaker (doc `breakers/{service}` in Firestore). */
export interface FleetBreakerState {
  /** Current fleet-wide state. */
  state: BreakerState;
  /** Bumped by every close and reset; failure windows counted under an older generation are discarded. */
  generation: number;
  /** Epoch ms of the last transition to open; null while closed. */
  openedAt: number | null;
  /** Epoch ms from which a probe may run; null while closed. */
  nextProbeAt: number | null;
  /** Probe leases held across the fleet (at most the configured number of half-open probes). */
  probeLeases: ProbeLease[];
  /** Failure rate in percent (0..100) of the window that last opened the breaker; 0 after close/reset. */
  failureRate: number;
  /** Number of calls in the window that last opened the breaker; 0 after close/reset. */
  calls: number;
  /** Epoch ms of the last write. */
  updatedAt: number;
}

/**
 * Storage for fleet breaker records.
 *
 * `transact` runs `fn` on the current record and writes `next` atomically.
 * `fn` may run more than once (Firestore retries contended transactions), so it
 * must be pure: no side effects, no clock reads. `next: null` leaves the record
 * as it is (nothing is written), so a refused transition costs no write.
 */
export interface BreakerStore {
  /** The current record of `service`, or null when none was written yet (closed). */
  read(service: string): Promise<FleetBreakerState | null>;
  /** Atomic read-modify-write of the record of `service`; resolves with `fn`'s result. */
  transact<T>(
    service: string,
    fn: (current: FleetBreakerState | null) => { next: FleetBreakerState | null; result: T },
  ): Promise<T>;
}

/**
 * In-process store. Several breakers given the same instance behave like
 * several Cloud Functions instances sharing one Firestore; used by tests.
 */
export class MemoryBreakerStore implements BreakerStore {
  private readonly records = new Map<string, FleetBreakerState>();

  async read(service: string): Promise<FleetBreakerState | null> {
    const found = this.records.get(service);
    return found === undefined ? null : structuredClone(found);
  }

  async transact<T>(
    service: string,
    fn: (current: FleetBreakerState | null) => { next: FleetBreakerState | null; result: T },
  ): Promise<T> {
    // fn is synchronous, so read, compute and write happen in one turn of the event loop: atomic.
    const found = this.records.get(service);
    const { next, result } = fn(found === undefined ? null : structuredClone(found));
    if (next !== null) this.records.set(service, structuredClone(next));
    return result;
  }
}

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
export type Transition = (current: FleetBreakerState | null) => { next: FleetBreakerState | null; result: TransitionResult };

/** A closed record of the given generation. */
export function closedRecord(generation: number, now: number): FleetBreakerState {
  return { state: BreakerStates.closed, generation, openedAt: null, nextProbeAt: null, probeLeases: [], failureRate: 0, calls: 0, updatedAt: now };
}

const unchanged = (c: FleetBreakerState) => ({ next: null, result: { after: c, changed: false, from: c.state } });
const changedTo = (c: FleetBreakerState, next: FleetBreakerState) => ({ next, result: { after: next, changed: true, from: c.state } });
const opened = (c: FleetBreakerState, now: number, openMs: number, calls: number, failureRate: number): FleetBreakerState => ({
  ...c,
  state: BreakerStates.open,
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
      if (c.state !== BreakerStates.closed || c.generation !== generation) return unchanged(c);
      return changedTo(c, opened(c, now, openMs, calls, failureRate));
    },

  /** Takes probe lease `id` (open past nextProbeAt or half-open, fewer than `probes` live leases); open -> half-open. */
  acquire:
    (now: number, id: string, probes: number, leaseMs: number): Transition =>
    (cur) => {
      const c = cur ?? closedRecord(0, 0);
      const live = c.probeLeases.filter((l) => l.expiresAt > now);
      const waiting = c.state === BreakerStates.open && now < (c.nextProbeAt ?? 0);
      if (c.state === BreakerStates.closed || waiting || live.length >= probes || c.probeLeases.some((l) => l.id === id)) {
        return unchanged(c);
      }
      return changedTo(c, { ...c, state: BreakerStates.halfOpen, probeLeases: [...live, { id, expiresAt: now + leaseMs }], updatedAt: now });
    },

  /**
   * Applies a probe's verdict while the record is still half-open in the
   * probe's generation: success closes (new generation), failure reopens (the
   * record's calls/failureRate then describe the probe: 1 call, 100 %), ignored
   * just gives the lease back.
   */
  finishProbe:
    (now: number, leaseId: string, generation: number, verdict: 'success' | 'failure' | 'ignored', openMs: number): Transition =>
    (cur) => {
      const c = cur ?? closedRecord(0, 0);
      if (c.state !== BreakerStates.halfOpen || c.generation !== generation) return unchanged(c);
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
