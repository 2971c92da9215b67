/**
 * Where a fleet-wide circuit breaker keeps its shared state.
 *
 * Cloud Functions instances share no memory, so the breaker of one service is
 * one record per service in a store every instance reaches (Firestore in
 * production, see breakerStoreFirestore.ts; an in-memory map in tests). Every
 * transition is a read-modify-write inside `transact`, so concurrent instances
 * converge on one state instead of overwriting each other.
 */

import type { BreakerState } from './breakerTypes.js';

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

  read(service: string): Promise<FleetBreakerState | null> {
    const found = this.records.get(service);
    return Promise.resolve(found === undefined ? null : structuredClone(found));
  }

  transact<T>(
    service: string,
    fn: (current: FleetBreakerState | null) => { next: FleetBreakerState | null; result: T },
  ): Promise<T> {
    // The executor runs at once and fn is synchronous, so read, compute and write
    // happen in one turn of the event loop (atomic); a throwing fn rejects.
    return new Promise((resolve) => {
      const found = this.records.get(service);
      const { next, result } = fn(found === undefined ? null : structuredClone(found));
      if (next !== null) this.records.set(service, structuredClone(next));
      resolve(result);
    });
  }
}
