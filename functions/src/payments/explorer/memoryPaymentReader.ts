import type { PaymentHistoryEvent } from '../../api/index.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import {
  compareRows,
  matchesFilters,
  type PaymentListQuery,
  type PaymentReader,
  type PaymentRow,
} from './paymentReader.js';

/**
 * The payments explorer's reader over an in-memory ledger's records
 * (MemoryLedger.entries) and a payment's history events in any order (unit tests).
 */
export class MemoryPaymentReader implements PaymentReader {
  constructor(
    private readonly entries: () => Iterable<[string, PaymentRecord]>,
    private readonly history: (transactionId: string) => readonly PaymentHistoryEvent[] = () => [],
  ) {}

  events(transactionId: string, limit: number): Promise<PaymentHistoryEvent[]> {
    const sorted = structuredClone([...this.history(transactionId)]).sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    return Promise.resolve(sorted.slice(0, limit));
  }

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
