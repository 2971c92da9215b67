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

/**
 * Keeps breaker records in Firestore, one document per service
 * (`{collection}/{service}`, plain numbers for epoch ms); transitions use
 * `db.runTransaction`, which retries `fn` on contention.
 */
export class FirestoreBreakerStore implements BreakerStore {
  private readonly runQuery: RunQuery;
  private readonly collection: string;

  constructor(options: { runQuery: RunQuery; collection?: string }) {
    this.runQuery = options.runQuery;
    this.collection = options.collection ?? 'breakers';
  }

  read(service: string): Promise<FleetBreakerState | null> {
    return this.runQuery(
      async (db) => parseBreakerDoc((await db.collection(this.collection).doc(service).get()).data()),
      'breaker.read',
      { idempotent: true, readOnly: true },
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
