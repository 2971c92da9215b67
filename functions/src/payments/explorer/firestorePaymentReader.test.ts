import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Query } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { listQueries } from './firestorePaymentReader.js';
import type { PaymentListQuery } from './paymentReader.js';

// The emulator runs queries without their composite indexes, so a listing whose index is missing passes every
// emulator test and fails in production with FAILED_PRECONDITION. This records the queries listQueries itself builds
// for every combination of filters and checks firestore.indexes.json declares an index for each.

type Op = { op: string; args: unknown[] };

/** Stands in for a firebase-admin Query: each builder call returns a copy with the call recorded. */
function recorder(ops: Op[] = []): Query {
  const next =
    (op: string) =>
    (...args: unknown[]) =>
      recorder([...ops, { op, args }]);
  return {
    ops,
    where: next('where'),
    orderBy: next('orderBy'),
    startAfter: next('startAfter'),
    limit: next('limit'),
  } as unknown as Query;
}
const opsOf = (q: Query) => (q as unknown as { ops: Op[] }).ops;
const fieldName = (f: unknown) => (typeof f === 'string' ? f : '__name__');

/** The composite index a recorded query needs: its equality fields (any order), then its ordered fields. */
interface Needed {
  equalities: string[];
  order: { field: string; direction: 'ASCENDING' | 'DESCENDING' }[];
}

function needs(q: Query): Needed {
  const ops = opsOf(q);
  const equalities = ops.filter((o) => o.op === 'where' && o.args[1] === '==').map((o) => fieldName(o.args[0]));
  const ranges = ops.filter((o) => o.op === 'where' && o.args[1] !== '==').map((o) => fieldName(o.args[0]));
  const order = ops
    .filter((o) => o.op === 'orderBy')
    .map(
      (o) => ({ field: fieldName(o.args[0]), direction: o.args[1] === 'desc' ? 'DESCENDING' : 'ASCENDING' }) as const,
    );
  // A range filter is served by the index only on the first ordered field.
  for (const field of ranges) expect(field, 'range filter on the first orderBy field').toBe(order[0]?.field);
  return { equalities, order };
}

interface IndexFile {
  indexes: { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order?: string }[] }[];
}
const declared = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../../../../firestore.indexes.json'), 'utf8')) as IndexFile
).indexes;

/** Whether `index` serves `need`: its leading fields are the equalities, then the order (`__name__` implied last, in the last field's direction). */
function serves(index: IndexFile['indexes'][number], need: Needed): boolean {
  if (index.collectionGroup !== 'payments' || index.queryScope !== 'COLLECTION') return false;
  const order = [...need.order];
  const last = order.at(-1);
  const beforeLast = order.at(-2);
  if (last?.field === '__name__' && beforeLast?.direction === last.direction) order.pop();
  const eq = index.fields.slice(0, need.equalities.length);
  const rest = index.fields.slice(need.equalities.length);
  return (
    index.fields.length === need.equalities.length + order.length &&
    eq.every((f) => need.equalities.includes(f.fieldPath) && f.order === 'ASCENDING') &&
    new Set(eq.map((f) => f.fieldPath)).size === need.equalities.length &&
    rest.every((f, i) => f.fieldPath === order[i]!.field && f.order === order[i]!.direction)
  );
}

/** Every query listQueries can build: each filter present or absent, with and without a position. */
function everyListing(): PaymentListQuery[] {
  const listings: PaymentListQuery[] = [];
  for (let mask = 0; mask < 32; mask++) {
    listings.push({
      limit: 26,
      ...(mask & 1 ? { status: 'succeeded' as const } : {}),
      ...(mask & 2 ? { uid: 'u1' } : {}),
      ...(mask & 4 ? { from: 1000 } : {}),
      ...(mask & 8 ? { to: 2000 } : {}),
      ...(mask & 16 ? { after: { createdAt: 1500, transactionId: 't' } } : {}),
    });
  }
  return listings;
}

/** The recorded queries of `listings` that no index in `indexes` serves. */
function unserved(listings: PaymentListQuery[], indexes: IndexFile['indexes']): string[] {
  return listings.flatMap((l) =>
    listQueries(recorder(), l)
      .map(needs)
      .filter((need) => !indexes.some((index) => serves(index, need)))
      .map((need) => JSON.stringify(need)),
  );
}

describe('listPayments queries and firestore.indexes.json', () => {
  it('every query shape a listing can issue has its composite index declared', () => {
    const listings = everyListing();
    const shapes = new Set(listings.flatMap((l) => listQueries(recorder(), l).map((q) => JSON.stringify(needs(q)))));
    // status and uid each present or absent: four shapes (positions and time ranges reuse them).
    expect(shapes.size).toBe(4);
    expect([...new Set(unserved(listings, declared))]).toEqual([]);
  });

  it('the check reports a shape whose index is missing', () => {
    const withoutUidStatus = declared.filter((i) => !(i.fields[0]?.fieldPath === 'uid' && i.fields.length === 3));
    expect(withoutUidStatus.length).toBe(declared.length - 1);
    const missing = new Set(unserved(everyListing(), withoutUidStatus));
    expect([...missing].map((m) => (JSON.parse(m) as Needed).equalities)).toEqual([['uid', 'status']]);
  });

  it('a listing by payer is one query; any other one per shard, each with the limit', () => {
    const byUid = listQueries(recorder(), { uid: 'u1', limit: 10 });
    expect(byUid).toHaveLength(1);
    const all = listQueries(recorder(), { limit: 10 });
    expect(all.length).toBeGreaterThan(1);
    for (const q of [...byUid, ...all]) expect(opsOf(q).at(-1)).toEqual({ op: 'limit', args: [10] });
  });
});
