import type { Firestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import type { RunQuery } from '../resilience/query/runQuery.js';
import { freshSnapshots } from './fleetStats.js';
import { incidentTimeline } from './incidentTimeline.js';

/** A Firestore stand-in that records each query's chain (collection, filters, order, limit) and answers empty. */
function recordingDb() {
  const queries: string[][] = [];
  const query = (chain: string[]): unknown => ({
    where: (f: string, op: string, v: unknown) => query([...chain, `where ${f} ${op} ${typeof v}`]),
    orderBy: (f: string, dir = 'asc') => query([...chain, `orderBy ${f} ${dir}`]),
    limit: (n: number) => query([...chain, `limit ${n}`]),
    get: () => {
      queries.push(chain);
      return Promise.resolve({ docs: [] });
    },
  });
  const db = { collection: (name: string) => query([`collection ${name}`]) } as unknown as Firestore;
  const runQuery: RunQuery = (fn) => fn(db);
  return { runQuery, queries };
}

const unbounded = (queries: string[][]) => queries.filter((q) => !q.some((step) => step.startsWith('limit ')));

describe('admin queries are bounded', () => {
  it('the incident timeline: instances (newest first), breakers and every shard of unknown payments', async () => {
    const { runQuery, queries } = recordingDb();
    await incidentTimeline(runQuery, Date.now());
    expect(queries.length).toBeGreaterThan(2);
    expect(unbounded(queries)).toEqual([]);
    expect(queries.find((q) => q[0] === 'collection instances')).toEqual([
      'collection instances',
      'where updatedAt > number',
      'orderBy updatedAt desc',
      'limit 1000',
    ]);
  });

  it('the fleet snapshots read by the pool and stats callables', async () => {
    const { runQuery, queries } = recordingDb();
    await freshSnapshots(runQuery, 60_000);
    expect(queries).toHaveLength(1);
    expect(unbounded(queries)).toEqual([]);
  });
});
