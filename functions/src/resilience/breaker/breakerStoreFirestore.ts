import { z } from 'zod';
import { BreakerState } from './breakerTypes.js';
import type { BreakerStore, FleetBreakerState } from './breakerStore.js';
import type { RunQuery } from '../query/runQuery.js';

// zod validates what comes back from Firestore: a document edited by hand in the
// console must not crash the payment path with a TypeError.
const leaseSchema = z.object({ id: z.string(), expiresAt: z.number() });
const stateSchema = z.object({
  state: z.enum([BreakerState.closed, BreakerState.open, BreakerState.halfOpen]),
  generation: z.number().int().nonnegative(),
  openedAt: z.number().nullable(),
  nextProbeAt: z.number().nullable(),
  probeLeases: z.array(leaseSchema),
  failureRate: z.number(),
  calls: z.number(),
  updatedAt: z.number(),
});

/**
 * Reads a stored document. A missing or malformed document counts as "no record"
 * (closed): the next transition overwrites it with a valid one, so a bad edit
 * heals itself instead of wedging the breaker.
 */
export function parseBreakerDoc(data: unknown): FleetBreakerState | null {
  const parsed = stateSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** A caller waiting for one service's record. */
interface PendingRead {
  resolve: (record: FleetBreakerState | null) => void;
  reject: (err: unknown) => void;
}

/**
 * Keeps breaker records in Firestore, one document per service
 * (`{collection}/{service}`, plain numbers for epoch ms); transitions use
 * `db.runTransaction`, which retries `fn` on contention.
 */
export class FirestoreBreakerStore implements BreakerStore {
  private readonly runQuery: RunQuery;
  private readonly collection: string;
  /** Reads asked for in the current turn of the event loop, by service; sent together at its end. */
  private pending: Map<string, PendingRead[]> | null = null;

  constructor(options: { runQuery: RunQuery; collection?: string }) {
    this.runQuery = options.runQuery;
    this.collection = options.collection ?? 'breakers';
  }

  /**
   * The stored record of `service`. Reads of several services asked for in the
   * same turn of the event loop (an instance's breakers due together, as at the
   * start of a call that refreshes the payment and the log shipper breakers) go
   * out as one getAll: one round trip and one query slot instead of one each.
   */
  read(service: string): Promise<FleetBreakerState | null> {
    return new Promise((resolve, reject) => {
      if (this.pending === null) {
        this.pending = new Map();
        queueMicrotask(() => this.sendReads());
      }
      const waiting = this.pending.get(service);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(service, [{ resolve, reject }]);
    });
  }

  private sendReads(): void {
    const pending = this.pending ?? new Map<string, PendingRead[]>();
    this.pending = null;
    const services = [...pending.keys()];
    this.runQuery(
      async (db) => {
        const snaps = await db.getAll(...services.map((s) => db.collection(this.collection).doc(s)));
        return new Map(snaps.map((snap) => [snap.id, parseBreakerDoc(snap.data())]));
      },
      'breaker.read',
      { idempotent: true, readOnly: true },
    ).then(
      (records) => {
        for (const [service, waiting] of pending) for (const w of waiting) w.resolve(records.get(service) ?? null);
      },
      (err: unknown) => {
        for (const waiting of pending.values()) for (const w of waiting) w.reject(err);
      },
    );
  }

  transact<T>(
    service: string,
    fn: (current: FleetBreakerState | null) => { next: FleetBreakerState | null; result: T },
  ): Promise<T> {
    return this.runQuery(
      (db) =>
        db.runTransaction(async (tx) => {
          const ref = db.collection(this.collection).doc(service);
          const snap = await tx.get(ref);
          const { next, result } = fn(parseBreakerDoc(snap.data()));
          if (next !== null) tx.set(ref, next);
          return result;
        }),
      'breaker.transact',
      // The breaker's transitions are conditional on the state they read (same
      // generation, lease id already present...), so replaying one after an
      // ambiguous commit changes nothing more.
      { idempotent: true },
    );
  }
}
