import { randomUUID } from 'node:crypto';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedRecord, Transitions } from './stateMachine.js';
import { FirestoreBreakerStore, parseBreakerDoc } from './breakerStoreFirestore.js';
import type { RunQuery } from '../query/runQuery.js';
import { boom, classify, ok } from './testing/breakerTestkit.js';
import { FleetCircuitBreaker } from './circuitBreaker.js';

describe('parseBreakerDoc', () => {
  it('accepts a stored record and treats a missing or malformed one as closed (null)', () => {
    const record = { ...closedRecord(2, 5), state: 'half-open', probeLeases: [{ id: 'a', expiresAt: 9 }] };
    expect(parseBreakerDoc(record)).toEqual(record);
    expect(parseBreakerDoc(undefined)).toBeNull();
    expect(parseBreakerDoc({ ...record, state: 'ajar' })).toBeNull();
    expect(parseBreakerDoc({ ...record, generation: '2' })).toBeNull();
  });
});

describe('FirestoreBreakerStore.read', () => {
  /** A database answering getAll from `docs` (or failing with `fail`), recording each getAll's document ids. */
  function fakeDb(docs: Record<string, unknown>, fail?: Error) {
    const getAlls: string[][] = [];
    const db = {
      collection: () => ({ doc: (id: string) => ({ id }) }),
      getAll: (...refs: { id: string }[]) => {
        getAlls.push(refs.map((r) => r.id));
        if (fail) return Promise.reject(fail);
        return Promise.resolve(refs.map((r) => ({ id: r.id, data: () => docs[r.id] })));
      },
    };
    const runQuery = ((fn: (d: unknown) => Promise<unknown>) => fn(db)) as unknown as RunQuery;
    return { store: new FirestoreBreakerStore({ runQuery }), getAlls };
  }

  it('sends the reads asked for in one turn as one getAll, each caller getting its own record', async () => {
    const open = { ...closedRecord(3, 5), state: 'open', openedAt: 5, nextProbeAt: 30_005 };
    const { store, getAlls } = fakeDb({ 'payment-service': open, 'cloudwatch-logs': closedRecord(1, 5) });
    const reads = [store.read('payment-service'), store.read('cloudwatch-logs'), store.read('payment-service')];
    const [a, b, again] = await Promise.all(reads);
    expect(getAlls).toEqual([['payment-service', 'cloudwatch-logs']]);
    expect(a).toEqual(open);
    expect(again).toEqual(open);
    expect(b).toMatchObject({ state: 'closed', generation: 1 });
    expect(await store.read('other')).toBeNull();
    expect(getAlls).toHaveLength(2);
  });

  it('fails every read of a batch whose getAll failed', async () => {
    const { store } = fakeDb({}, new Error('UNAVAILABLE'));
    const reads = [store.read('a'), store.read('b')].map((r) =>
      r.then(
        () => 'read',
        (e: Error) => e.message,
      ),
    );
    expect(await Promise.all(reads)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
  });
});

describe.skipIf(!process.env.FIRESTORE_EMULATOR_HOST)('FirestoreBreakerStore (emulator)', () => {
  let app: App;
  let db: Firestore;
  let store: FirestoreBreakerStore;
  /** Manual clock shared by the breakers (no fake timers: the Firestore client needs real ones). */
  let now = Date.parse('2025-01-01T12:00:00.000Z');
  const clock = () => now;

  beforeAll(() => {
    app = initializeApp({ projectId: 'demo-payments' }, `breaker-store-${randomUUID()}`);
    db = getFirestore(app);
    const runQuery: RunQuery = (fn) => fn(db);
    store = new FirestoreBreakerStore({ runQuery });
  });

  afterAll(async () => {
    await deleteApp(app);
  });

  it('persists every transition in breakers/{service}', async () => {
    const service = `svc-${randomUUID()}`;
    const breaker = new FleetCircuitBreaker(service, store, {}, clock);
    for (let i = 0; i < 5; i++) await expect(breaker.execute(boom, classify)).rejects.toThrow('upstream 503');
    const doc = db.collection('breakers').doc(service);
    expect((await doc.get()).data()).toEqual({
      state: 'open',
      generation: 0,
      openedAt: now,
      nextProbeAt: now + 30_000,
      probeLeases: [],
      failureRate: 100,
      calls: 5,
      updatedAt: now,
    });
    now += 30_000;
    await expect(breaker.execute(ok, classify)).resolves.toBe('ok');
    expect((await doc.get()).data()).toMatchObject({ state: 'closed', generation: 1, openedAt: null, probeLeases: [] });
    await breaker.reset();
    expect((await doc.get()).data()).toMatchObject({ state: 'closed', generation: 2 });
  });

  it('reads breakers due in the same turn with one getAll, a missing document as no record', async () => {
    const open = `svc-${randomUUID()}`;
    const missing = `svc-${randomUUID()}`;
    await store.transact(open, Transitions.open(now, 0, 30_000, 5, 100));
    const sent: string[] = [];
    const counted = new FirestoreBreakerStore({ runQuery: (fn, name) => (sent.push(name), fn(db)) });
    const [a, b] = await Promise.all([counted.read(open), counted.read(missing)]);
    expect(sent).toEqual(['breaker.read']);
    expect(a).toMatchObject({ state: 'open', generation: 0, openedAt: now });
    expect(b).toBeNull();
  });

  it('makes two breakers on one store converge', async () => {
    const service = `svc-${randomUUID()}`;
    const a = new FleetCircuitBreaker(service, store, { minCalls: 2 }, clock);
    const b = new FleetCircuitBreaker(service, store, { minCalls: 2 }, clock);
    await expect(b.execute(ok, classify)).resolves.toBe('ok');
    for (let i = 0; i < 2; i++) await expect(a.execute(boom, classify)).rejects.toThrow('upstream 503');
    now += 1_000;
    await expect(b.execute(ok, classify)).rejects.toMatchObject({ code: 'BREAKER_OPEN' });
    await b.reset();
    now += 1_000;
    await expect(a.execute(ok, classify)).resolves.toBe('ok');
    expect(a.snapshot()).toMatchObject({ state: 'closed', generation: 1 });
    expect(b.snapshot()).toMatchObject({ state: 'closed', generation: 1 });
  });

  it('holds the probe lease limit when breakers on several instances race for it (Promise.all)', async () => {
    const service = `svc-${randomUUID()}`;
    await store.transact(service, Transitions.open(now, 0, 30_000, 5, 100));
    now += 30_000;
    const instance = () => new FleetCircuitBreaker(service, store, { halfOpenProbes: 2 }, clock);
    let probed = 0;
    let refused = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const probe = async () => {
      probed++;
      await gate;
      return 'ok';
    };
    const racing = Promise.all(
      [instance(), instance(), instance()].map((x) =>
        x.execute(probe, classify).catch((e: { code?: string }) => {
          refused++;
          return e.code;
        }),
      ),
    );
    // The emulator resolves contended transactions slowly (seconds), hence a bounded poll.
    for (let i = 0; i < 500 && probed + refused < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect({ probed, refused }).toEqual({ probed: 2, refused: 1 });
    expect(await store.read(service)).toMatchObject({
      state: 'half-open',
      probeLeases: [expect.anything(), expect.anything()],
    });
    await expect(instance().execute(probe, classify)).rejects.toMatchObject({ code: 'BREAKER_OPEN' });
    release();
    expect((await racing).sort()).toEqual(['BREAKER_OPEN', 'ok', 'ok']);
    expect((await store.read(service))?.state).toBe('closed');
  });
});
