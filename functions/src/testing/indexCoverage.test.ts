import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import { FirestorePaymentReader } from '../payments/explorer/firestorePaymentReader.js';
import type { PaymentListQuery } from '../payments/explorer/paymentReader.js';
import { FirestoreLedger } from '../payments/ledger/firestoreLedger.js';
import type { ScanQuery } from '../payments/ledger/paymentLedger.js';
import { listEvents } from '../payments/history/historyStore.js';
import { backfillShards } from '../payments/ledger/shardBackfill.js';
import { FirestoreRefundLedger } from '../payments/refunds/firestoreRefundLedger.js';
import { freshSnapshots } from '../stats/fleetStats.js';
import { incidentTimeline } from '../stats/incidentTimeline.js';
import { FirestoreIntentRecords } from '../webhooks/intentRecords.js';
import { listSources } from './importGraph.js';
import { indexNeed, singleFieldIndexed, unservedNeeds, unusedComposites, type IndexFile } from './indexCoverage.js';
import { recordingFirestore, type RecordedQuery } from './queryRecorder.js';

// Every query the functions run, recorded from the adapters themselves against a recording Firestore, checked
// against firestore.indexes.json: each has its index, no exemption removed one a query reads, no composite index
// is left that no query reads, and the time fields that grow with the clock keep no single-field index a query
// does not read (docs/scaling.md, "Indexes").

const REPO = path.resolve(__dirname, '../../..');
const declared = JSON.parse(readFileSync(path.join(REPO, 'firestore.indexes.json'), 'utf8')) as IndexFile;

/** The source files that build queries, each exercised below. A new one fails the first test until it is added. */
const COVERED = [
  'payments/explorer/firestorePaymentReader.ts',
  'payments/ledger/disputeHealth.ts',
  'payments/ledger/firestoreLedger.ts',
  'payments/ledger/firestoreScan.ts',
  'payments/ledger/paymentShards.ts',
  'payments/ledger/shardBackfill.ts',
  'payments/refunds/firestoreRefundLedger.ts',
  'stats/fleetStats.ts',
  'stats/incidentTimeline.ts',
  'webhooks/intentRecords.ts',
];

const SCANNED: ScanQuery['status'][] = [
  PaymentStatus.unknown,
  PaymentStatus.pending,
  PaymentStatus.processing,
  PaymentStatus.requiresAction,
  PaymentStatus.requiresPaymentMethod,
];

/** Every listing `listPayments` can ask for: each filter present or absent, from the start or after a position. */
function everyListing(): PaymentListQuery[] {
  return Array.from({ length: 32 }, (_, mask) => ({
    limit: 26,
    ...(mask & 1 ? { status: PaymentStatus.succeeded } : {}),
    ...(mask & 2 ? { uid: 'u1' } : {}),
    ...(mask & 4 ? { from: 1000 } : {}),
    ...(mask & 8 ? { to: 2000 } : {}),
    ...(mask & 16 ? { after: { createdAt: 1500, transactionId: 't' } } : {}),
  }));
}

/** Every query of the covered files, from the code that runs them. */
async function everyQuery(): Promise<RecordedQuery[]> {
  const { db, runQuery, queries } = recordingFirestore();
  const now = Date.now();
  const ledger = new FirestoreLedger(runQuery, () => now);
  for (const status of SCANNED) {
    await ledger.scanUnresolved({ status, before: now, limit: 100 });
    await ledger.scanUnresolved({ status, before: now, limit: 100, after: { orderValue: 1, transactionId: 't' } });
  }
  await ledger.health(now);
  await ledger.findByProviderRef('pi_1');
  const refunds = new FirestoreRefundLedger(runQuery, () => now);
  for (const status of ['pending', 'unknown'] as const) {
    await refunds.scanRefunds({ status, before: now, limit: 100 });
    const after = { orderValue: 1, transactionId: 't', refundId: 'r' };
    await refunds.scanRefunds({ status, before: now, limit: 100, after });
  }
  await refunds.listRefunds('t');
  await refunds.refundHealth(now);
  await listEvents(runQuery, 't');
  await incidentTimeline(runQuery, now);
  await freshSnapshots(runQuery, 60_000, now);
  await backfillShards(db, { maxPages: 1 });
  const reader = new FirestorePaymentReader(runQuery);
  for (const listing of everyListing()) await reader.list(listing);
  await new FirestoreIntentRecords(runQuery).transactionOf('pi_1');
  return queries;
}

/** Time fields that grow with the clock, by collection group: each keeps only the single-field indexes queries read. */
const SEQUENTIAL: Record<string, string[]> = {
  payments: ['createdAt', 'updatedAt', 'leaseUntil', 'openAttemptAt'],
  refunds: ['createdAt', 'updatedAt', 'leaseUntil', 'openAttemptAt'],
  events: ['at', 'committedAt'],
  userLimits: ['refilledAt', 'inFlight'],
  instances: ['expiresAt'],
  breakers: ['openedAt', 'nextProbeAt'],
  stripeEvents: ['expiresAt'],
  ledgerStats: ['at'],
};

const SOURCE = path.join(REPO, 'functions/src');
const QUERY_BUILDER = /\.(where|orderBy|collectionGroup)\(|\.count\(\)/;

describe('firestore.indexes.json and the queries of functions/src', () => {
  it('every source file that builds a query is exercised by this test', () => {
    const builders = listSources([SOURCE])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes(`${path.sep}testing${path.sep}`))
      .filter((f) => QUERY_BUILDER.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(SOURCE, f));
    // A file listed here builds queries this test does not run: add its queries to everyQuery() and COVERED.
    expect(builders).toEqual(COVERED);
  });

  it('every query has its index, and no exemption removed one a query reads', async () => {
    const queries = await everyQuery();
    expect(queries.length).toBeGreaterThan(SCANNED.length * 2 * 16);
    expect(unservedNeeds(declared, queries)).toEqual([]);
  });

  it('every composite index serves a query', async () => {
    expect(unusedComposites(declared, await everyQuery())).toEqual([]);
  });

  it('sequential time fields keep only the single-field indexes a query reads', async () => {
    const queries = await everyQuery();
    const read = new Set(
      queries
        .map(indexNeed)
        .flatMap((n) => (n.kind === 'single' ? n.fields.map((f) => `${n.group}.${f.field} ${n.scope}`) : [])),
    );
    for (const [group, fields] of Object.entries(SEQUENTIAL)) {
      for (const field of fields) {
        const override = declared.fieldOverrides.find((o) => o.collectionGroup === group && o.fieldPath === field);
        expect(override, `${group}.${field} has an override`).toBeDefined();
        for (const index of override!.indexes) {
          expect(read, `${group}.${field} keeps an index no query reads`).toContain(
            `${group}.${field} ${index.queryScope ?? 'COLLECTION'}`,
          );
        }
      }
    }
  });

  it('the check reports a missing composite index and an exemption that removes a read index', async () => {
    const queries = await everyQuery();
    const withoutLease = {
      ...declared,
      indexes: declared.indexes.filter(
        (i) => !(i.collectionGroup === 'payments' && i.fields.some((f) => f.fieldPath === 'leaseUntil')),
      ),
    };
    expect(unservedNeeds(withoutLease, queries)).toEqual([
      'payments (COLLECTION, composite): shard ==, status ==, leaseUntil ASCENDING',
    ]);
    const statusExempt = {
      ...declared,
      fieldOverrides: [...declared.fieldOverrides, { collectionGroup: 'payments', fieldPath: 'status', indexes: [] }],
    };
    expect(unservedNeeds(statusExempt, queries)).toEqual(['payments (COLLECTION, single): status ANY']);
    const refundTimesExempt = {
      ...declared,
      fieldOverrides: declared.fieldOverrides.map((o) =>
        o.collectionGroup === 'refunds' && o.fieldPath === 'createdAt' ? { ...o, indexes: [] } : o,
      ),
    };
    expect(unservedNeeds(refundTimesExempt, queries)).toEqual(['refunds (COLLECTION, single): createdAt ASCENDING']);
  });
});

describe('index needs', () => {
  const q = (over: Partial<RecordedQuery>): RecordedQuery => ({
    scope: 'COLLECTION',
    group: 'refunds',
    filters: [],
    orders: [],
    ...over,
  });
  const none: IndexFile = { indexes: [], fieldOverrides: [] };

  it('a subcollection ordered by one field reads its automatic index; a collection group needs an override', () => {
    const ordered = { orders: [{ field: 'createdAt', direction: 'ASCENDING' as const }] };
    expect(unservedNeeds(none, [q(ordered)])).toEqual([]);
    expect(unservedNeeds(none, [q({ ...ordered, scope: 'COLLECTION_GROUP' })])).toEqual([
      'refunds (COLLECTION_GROUP, single): createdAt ASCENDING',
    ]);
  });

  it('an override on a map covers its subfields; the document name needs no index', () => {
    const file: IndexFile = {
      indexes: [],
      fieldOverrides: [{ collectionGroup: 'events', fieldPath: 'details', indexes: [] }],
    };
    expect(singleFieldIndexed(file, 'COLLECTION', 'events', 'details.eventId', 'ANY')).toBe(false);
    expect(singleFieldIndexed(file, 'COLLECTION', 'events', 'detailsOther', 'ANY')).toBe(true);
    expect(indexNeed(q({ orders: [{ field: '__name__', direction: 'ASCENDING' }] }))).toEqual({ kind: 'none' });
  });

  it('a range without an order is ordered by its field; equalities alone merge single-field indexes', () => {
    expect(
      indexNeed(
        q({
          filters: [
            { field: 'status', op: '==' },
            { field: 'at', op: '<' },
          ],
        }),
      ),
    ).toMatchObject({
      kind: 'composite',
      equalities: ['status'],
      order: [{ field: 'at', direction: 'ASCENDING' }],
    });
    expect(
      indexNeed(
        q({
          filters: [
            { field: 'a', op: '==' },
            { field: 'b', op: 'in' },
          ],
        }),
      ),
    ).toMatchObject({
      kind: 'single',
    });
  });
});
