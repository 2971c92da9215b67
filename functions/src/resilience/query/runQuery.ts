import type { Firestore } from 'firebase-admin/firestore';

/** Options of a Firestore query pool call (the project's pool has this shape). */
export interface RunQueryOptions {
  /** Safe to retry after an ambiguous failure. */
  idempotent?: boolean;
  /** Only reads. */
  readOnly?: boolean;
}

/** Runs `fn` against Firestore, e.g. through the project's query pool; `name` labels it in pool stats. */
export type RunQuery = <T>(fn: (db: Firestore) => Promise<T>, name: string, opts?: RunQueryOptions) => Promise<T>;
