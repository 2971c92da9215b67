import { FieldPath } from 'firebase-admin/firestore';
import { PaymentStatus } from '../../api/index.js';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { compareIds, eachShard, mergeShards } from './paymentShards.js';
import { scanOrderValue, type PaymentRecord, type ScanQuery, type UnresolvedPayment } from './paymentLedger.js';

/** The ledger collection (FirestoreLedger's). */
const PAYMENTS = 'payments';

/**
 * One page of reconciliation's scan of the ledger in Firestore (FirestoreLedger.scanUnresolved): the
 * records of one status past their time, in the scan's order, from the composite indexes in
 * firestore.indexes.json.
 */
export async function scanUnresolved(runQuery: RunQuery, q: ScanQuery): Promise<UnresolvedPayment[]> {
  const field = q.status === PaymentStatus.pending ? 'leaseUntil' : 'updatedAt';
  // Per shard (paymentShards.ts), each from the same cursor: merged, the first `limit` are the collection's.
  const pages = await runQuery(
    (db) =>
      eachShard((shard) => {
        let query = db
          .collection(PAYMENTS)
          .where('shard', '==', shard)
          .where('status', '==', q.status)
          .where(field, '<', q.before)
          .orderBy(field)
          .orderBy(FieldPath.documentId());
        if (q.after) query = query.startAfter(q.after.orderValue, q.after.transactionId);
        return query.limit(q.limit);
      }),
    'payments.reconcileScan',
    { readOnly: true },
  );
  const rows = pages.map((docs) => docs.map((d) => ({ transactionId: d.id, record: d.data() as PaymentRecord })));
  const order = (r: UnresolvedPayment) => scanOrderValue(q.status, r.record);
  return mergeShards(rows, (a, b) => order(a) - order(b) || compareIds(a.transactionId, b.transactionId), q.limit);
}
