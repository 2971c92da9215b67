import type { Firestore } from 'firebase-admin/firestore';
import type { RunQuery } from '../resilience/query/runQuery.js';

/**
 * A Firestore stand-in for tests that records the shape of every query the
 * code runs (its scope, collection group, filters and order) and answers as
 * an empty database: no documents, counts of 0, commits that succeed. Real
 * adapters run against it unchanged, so the shapes are the code's own (the
 * index check in indexCoverage.ts reads them).
 */

/** A filter as the index sees it: the field and the operator (`==`, `in`, `<`, ...). */
export interface RecordedFilter {
  field: string;
  op: string;
}

/** A query the code ran (`get()` or `count().get()`). */
export interface RecordedQuery {
  /** `COLLECTION` for `collection(...)` (a subcollection too), `COLLECTION_GROUP` for `collectionGroup(...)`. */
  scope: 'COLLECTION' | 'COLLECTION_GROUP';
  /** The collection id (a subcollection's last path segment), as firestore.indexes.json names it. */
  group: string;
  filters: RecordedFilter[];
  orders: { field: string; direction: 'ASCENDING' | 'DESCENDING' }[];
}

const fieldName = (f: unknown): string => String(f);

const emptyDoc = (id: string) => ({ id, exists: false, data: () => undefined, get: () => undefined });
const emptyQuerySnapshot = { docs: [], empty: true, size: 0, forEach: () => undefined };

/** A recording Firestore and a RunQuery over it; `queries` fills as the code runs. */
export function recordingFirestore(): { db: Firestore; runQuery: RunQuery; queries: RecordedQuery[] } {
  const queries: RecordedQuery[] = [];

  const query = (shape: RecordedQuery): Record<string, unknown> => {
    const next = (change: Partial<RecordedQuery>) => query({ ...shape, ...change });
    const self: Record<string, unknown> = {
      where: (field: unknown, op: string) => next({ filters: [...shape.filters, { field: fieldName(field), op }] }),
      orderBy: (field: unknown, dir?: string) =>
        next({
          orders: [
            ...shape.orders,
            { field: fieldName(field), direction: dir === 'desc' ? 'DESCENDING' : 'ASCENDING' },
          ],
        }),
      limit: () => next({}),
      limitToLast: () => next({}),
      offset: () => next({}),
      select: () => next({}),
      startAfter: () => next({}),
      startAt: () => next({}),
      endBefore: () => next({}),
      endAt: () => next({}),
      withConverter: () => next({}),
      get: () => {
        queries.push(shape);
        return Promise.resolve(emptyQuerySnapshot);
      },
      count: () => ({
        get: () => {
          queries.push(shape);
          return Promise.resolve({ data: () => ({ count: 0 }) });
        },
      }),
    };
    return self;
  };

  const collection = (path: string): Record<string, unknown> => ({
    ...query({ scope: 'COLLECTION', group: path.split('/').at(-1)!, filters: [], orders: [] }),
    id: path.split('/').at(-1),
    path,
    doc: (id: string) => document(`${path}/${id}`, id),
  });
  const document = (path: string, id: string): Record<string, unknown> => {
    const ref: Record<string, unknown> = {
      id,
      path,
      collection: (sub: string) => collection(`${path}/${sub}`),
      get: () => Promise.resolve(emptyDoc(id)),
      set: () => Promise.resolve(),
      update: () => Promise.resolve(),
      create: () => Promise.resolve(),
      delete: () => Promise.resolve(),
    };
    ref.withConverter = () => ref;
    return ref;
  };
  const batch = () => {
    const b: Record<string, unknown> = { commit: () => Promise.resolve([]) };
    for (const op of ['set', 'update', 'create', 'delete']) b[op] = () => b;
    return b;
  };

  const db = {
    collection,
    collectionGroup: (id: string) => query({ scope: 'COLLECTION_GROUP', group: id, filters: [], orders: [] }),
    doc: (path: string) => document(path, path.split('/').at(-1)!),
    getAll: (...refs: { id: string }[]) => Promise.resolve(refs.map((r) => emptyDoc(r.id))),
    batch,
  } as unknown as Firestore;
  const runQuery: RunQuery = (fn) => fn(db);
  return { db, runQuery, queries };
}
