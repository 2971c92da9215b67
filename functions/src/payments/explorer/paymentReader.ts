import type { PaymentStatus } from '../../api/index.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';

/** Where a listing continues: after this payment in the listing's order. */
export interface ListPosition {
  createdAt: number;
  transactionId: string;
}

/** What to list: the filters combine; `from` is inclusive, `to` exclusive (creation time, epoch ms). */
export interface PaymentListQuery {
  status?: PaymentStatus | undefined;
  uid?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  after?: ListPosition | undefined;
  limit: number;
}

/** One listed payment with its id. */
export interface PaymentRow {
  transactionId: string;
  record: PaymentRecord;
}

/**
 * The ledger read for the payments explorer (a single payment and its
 * history are the ledger's own `get` and `listEvents`). Reads only: no payment path calls it.
 * Implementations: FirestorePaymentReader and MemoryPaymentReader.
 */
export interface PaymentReader {
  /**
   * Up to `limit` payments matching the query in {@link compareRows} order
   * (newest first; payments created in the same millisecond by transactionId,
   * descending), after `after` when given.
   */
  list(query: PaymentListQuery): Promise<PaymentRow[]>;
}

/** The listing's order: newest first, then transactionId descending (Firestore's byte order of ids). */
export function compareRows(a: ListPosition, b: ListPosition): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.transactionId < b.transactionId ? 1 : a.transactionId > b.transactionId ? -1 : 0;
}

/** Whether `record` passes the query's filters (not its position or limit). */
export function matchesFilters(q: PaymentListQuery, record: PaymentRecord): boolean {
  return (
    (q.status === undefined || record.status === q.status) &&
    (q.uid === undefined || record.uid === q.uid) &&
    (q.from === undefined || record.createdAt >= q.from) &&
    (q.to === undefined || record.createdAt < q.to)
  );
}
