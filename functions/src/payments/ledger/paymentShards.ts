import { createHash } from 'node:crypto';
import type { DocumentData, FirestoreDataConverter, Query, QueryDocumentSnapshot } from 'firebase-admin/firestore';

/**
 * Number of index shards of `payments`. Every scanned time field (createdAt,
 * updatedAt, leaseUntil) grows with the clock, so the composite indexes'
 * newest entries would all land at one end of the index, which Firestore keeps
 * to about 500 writes/s per collection. The indexes lead with `shard` (a hash
 * of the transactionId), so new entries spread over this many ranges: at
 * 1,000 payments/s (2 writes each) about 125 index writes/s per range. Scans
 * query every shard (docs/scaling.md).
 */
export const PAYMENT_SHARDS = 16;

/** The shards, 0 to PAYMENT_SHARDS - 1. */
export const SHARDS: readonly number[] = Array.from({ length: PAYMENT_SHARDS }, (_, i) => i);

/** The shard of a payment: a hash of its transactionId, so it never changes and needs no read. */
export function shardOf(transactionId: string): number {
  return createHash('sha256').update(transactionId).digest()[0]! % PAYMENT_SHARDS;
}

/**
 * Converter of one payment document: a create or set stores the record with
 * its `shard`; reads and updates pass through (withShard adds it to an update).
 */
export function shardedRecord<T extends object>(transactionId: string): FirestoreDataConverter<T> {
  const shard = shardOf(transactionId);
  return {
    toFirestore: (record) => ({ ...record, shard }),
    fromFirestore: (snap) => snap.data() as T,
  };
}

/**
 * The fields of an update, plus `shard` when the stored record has none (or
 * another): a record written before the field existed is repaired by the
 * first call that updates it (scripts/migrate-shards.mjs repairs the rest).
 */
export function withShard<T extends object>(transactionId: string, stored: DocumentData | undefined, fields: T) {
  const shard = shardOf(transactionId);
  return stored?.shard === shard ? fields : { ...fields, shard };
}

/**
 * The first `limit` items of per-shard results (each already in `compare`
 * order), merged into one list in `compare` order: what one query over the
 * whole collection would have answered.
 */
export function mergeShards<T>(pages: readonly (readonly T[])[], compare: (a: T, b: T) => number, limit: number): T[] {
  return pages.flat().sort(compare).slice(0, Math.max(0, limit));
}

/** `build(shard)`'s documents for every shard, queried at once (one list per shard, each in the query's order). */
export async function eachShard(build: (shard: number) => Query): Promise<QueryDocumentSnapshot[][]> {
  const snaps = await Promise.all(SHARDS.map((s) => build(s).get()));
  return snaps.map((s) => s.docs);
}

/** The number of documents `build(shard)` matches, summed over every shard. */
export async function countShards(build: (shard: number) => Query): Promise<number> {
  const counts = await Promise.all(SHARDS.map((s) => build(s).count().get()));
  return counts.reduce((n, c) => n + c.data().count, 0);
}

/** Document ids in Firestore's order (byte-wise; the same as code-unit order for ASCII ids). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
