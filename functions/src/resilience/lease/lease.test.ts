import { randomUUID } from 'node:crypto';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunQuery } from '../query/runQuery.js';
import { FirestoreLease, leaseStep } from './lease.js';

describe('leaseStep', () => {
  it('takes a free, expired or own lease; refuses one another holder is running', () => {
    expect(leaseStep(undefined, 'a', 100, 1000)).toEqual({ write: { holder: 'a', until: 1100 } });
    expect(leaseStep({ holder: 'b', until: 1000 }, 'a', 100, 1000)).toEqual({ write: { holder: 'a', until: 1100 } });
    expect(leaseStep({ holder: 'a', until: 1050 }, 'a', 100, 1000)).toEqual({ write: { holder: 'a', until: 1100 } });
    expect(leaseStep({ holder: 'b', until: 1001 }, 'a', 100, 1000)).toEqual({ held: { holder: 'b', until: 1001 } });
  });
});

describe.skipIf(!process.env.FIRESTORE_EMULATOR_HOST)('FirestoreLease (emulator)', () => {
  let app: App;
  let runQuery: RunQuery;
  beforeAll(() => {
    app = initializeApp({ projectId: 'demo-payments' }, `lease-${randomUUID()}`);
    const db = getFirestore(app);
    runQuery = (fn) => fn(db);
  });
  afterAll(() => deleteApp(app));

  it('one of several concurrent acquirers gets it; the others learn who holds it; release frees it', async () => {
    const lease = new FirestoreLease(runQuery, `leases/${randomUUID()}`);
    const results = await Promise.all(['a', 'b', 'c'].map((h) => lease.acquire(h, 30_000)));
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const holder = ['a', 'b', 'c'][results.findIndex((r) => r.acquired)]!;
    for (const r of results.filter((x) => !x.acquired)) expect(r).toMatchObject({ acquired: false, holder });
    await lease.release(holder);
    expect(await lease.acquire('d', 30_000)).toEqual({ acquired: true });
  });
});
