import { FieldPath, type Query } from 'firebase-admin/firestore';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { PAYMENTS } from '../ledger/firestoreLedger.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import { mergeShards, SHARDS } from '../ledger/paymentShards.js';
import { compareRows, type PaymentListQuery, type PaymentReader, type PaymentRow } from './paymentReader.js';

/**
 * The queries one listing runs against `payments` (a collection, or anything
 * with Query's builder methods: the index test records them). A listing by
 * payer runs one query: its index leads with `uid`, so new entries spread over
 * the payers. Any other runs one per shard (paymentShards.ts: `createdAt` grows
 * with the clock, so an index led by it or by `status` alone would take every
 * new payment at one end), each from the same position; merged, the first
 * `limit` are the collection's. Every shape has its composite index in
 * firestore.indexes.json (testing/indexCoverage.test.ts runs every shape against it).
 */
export function listQueries(payments: Query, q: PaymentListQuery): Query[] {
  const build = (shard: number | null) => {
    let query = payments;
    if (shard !== null) query = query.where('shard', '==', shard);
    if (q.uid !== undefined) query = query.where('uid', '==', q.uid);
    if (q.status !== undefined) query = query.where('status', '==', q.status);
    if (q.from !== undefined) query = query.where('createdAt', '>=', q.from);
    if (q.to !== undefined) query = query.where('createdAt', '<', q.to);
    query = query.orderBy('createdAt', 'desc').orderBy(FieldPath.documentId(), 'desc');
    if (q.after) query = query.startAfter(q.after.createdAt, q.after.transactionId);
    return query.limit(q.limit);
  };
  return q.uid !== undefined ? [build(null)] : SHARDS.map(build);
}

/** The payments explorer's reader over the Firestore ledger, through the query pool (one pool slot per listing). */
export class FirestorePaymentReader implements PaymentReader {
  constructor(private readonly runQuery: RunQuery) {}

  async list(q: PaymentListQuery): Promise<PaymentRow[]> {
    const pages = await this.runQuery(
      async (db) => {
        const snaps = await Promise.all(listQueries(db.collection(PAYMENTS), q).map((query) => query.get()));
        return snaps.map((s) => s.docs.map((d) => ({ transactionId: d.id, record: d.data() as PaymentRecord })));
      },
      'payments.list',
      { readOnly: true },
    );
    const position = (r: PaymentRow) => ({ createdAt: r.record.createdAt, transactionId: r.transactionId });
    return mergeShards(pages, (a, b) => compareRows(position(a), position(b)), q.limit);
  }
}
