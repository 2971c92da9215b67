import type { Firestore } from 'firebase-admin/firestore';
import type { RunQuery } from '../query/runQuery.js';

/**
 * A fleet-wide lease in one Firestore document, for work that must run once
 * at a time across instances (a single-flight job): `acquire` takes it for
 * `ttlMs` unless another holder's lease is still running, `release` gives it
 * back. A holder that dies frees it when its lease ends.
 */

/** The stored lease. */
export interface LeaseRecord {
  holder: string;
  until: number;
}

/** The outcome of an acquire: taken, or held by another holder until `until`. */
export type LeaseAcquire = { acquired: true } | { acquired: false; holder: string; until: number };

/** What a single-flight job needs of its lease: take it for a while, give it back. */
export interface Lease {
  acquire(holder: string, ttlMs: number): Promise<LeaseAcquire>;
  release(holder: string): Promise<void>;
}

/** The pure rule: the record to write, or who holds the lease. */
export function leaseStep(
  current: LeaseRecord | undefined,
  holder: string,
  ttlMs: number,
  now: number,
): { write: LeaseRecord } | { held: LeaseRecord } {
  if (current && current.until > now && current.holder !== holder) return { held: current };
  return { write: { holder, until: now + ttlMs } };
}

/** A lease at `path` (collection/doc) in Firestore, through the query pool. */
export class FirestoreLease implements Lease {
  constructor(
    private readonly runQuery: RunQuery,
    private readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the lease for `ttlMs` unless another holder's is running. */
  acquire(holder: string, ttlMs: number): Promise<LeaseAcquire> {
    return this.runQuery(
      (db) =>
        db.runTransaction(async (tx) => {
          const ref = this.ref(db);
          const snap = await tx.get(ref);
          const step = leaseStep(snap.data() as LeaseRecord | undefined, holder, ttlMs, this.now());
          if ('held' in step) return { acquired: false as const, ...step.held };
          tx.set(ref, step.write);
          return { acquired: true as const };
        }),
      'lease.acquire',
    );
  }

  /** Gives the lease back when `holder` still holds it. */
  release(holder: string): Promise<void> {
    return this.runQuery(
      (db) =>
        db.runTransaction(async (tx) => {
          const ref = this.ref(db);
          const snap = await tx.get(ref);
          if ((snap.data() as LeaseRecord | undefined)?.holder === holder) tx.delete(ref);
        }),
      'lease.release',
    );
  }

  private ref(db: Firestore) {
    return db.doc(this.path);
  }
}
