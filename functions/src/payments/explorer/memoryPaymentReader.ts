import type { PaymentRecord } from '../ledger/paymentLedger.js';
import {
  compareRows,
  matchesFilters,
  type PaymentListQuery,
  type PaymentReader,
  type PaymentRow,
} from './paymentReader.js';

/** The payments explorer's reader over an in-memory ledger's records (unit tests; MemoryLedger.entries). */
export class MemoryPaymentReader implements PaymentReader {
  constructor(private readonly entries: () => Iterable<[string, PaymentRecord]>) {}

  list(q: PaymentListQuery): Promise<PaymentRow[]> {
    const position = (r: PaymentRow) => ({ createdAt: r.record.createdAt, transactionId: r.transactionId });
    const rows = [...this.entries()]
      .map(([transactionId, record]) => ({ transactionId, record: structuredClone(record) }))
      .filter((r) => matchesFilters(q, r.record))
      .filter((r) => !q.after || compareRows(position(r), q.after) > 0)
      .sort((a, b) => compareRows(position(a), position(b)))
      .slice(0, q.limit);
    return Promise.resolve(rows);
  }
}
