import { RefundStatus } from '../../api/index.js';
import type { UserLimitSettings } from '../limits/userLimiter.js';
import type { MemoryLedger } from '../ledger/memoryLedger.js';
import {
  totalsOf,
  type RefundHealth,
  type RefundRecord,
  type RefundScanQuery,
  type UnresolvedRefund,
} from './refundLedger.js';
import { applyDelta } from './refundTotals.js';
import { RuleRefundLedger, type RefundTransact } from './ruleRefundLedger.js';

/**
 * An in-process refund ledger with the same rules as FirestoreRefundLedger,
 * over a MemoryLedger's payments (whose totals it keeps) and user limits, for
 * unit tests. Each step runs synchronously in one turn of the event loop, so
 * it is atomic like a commit. It ignores refund seals (RefundClaimRequest.seal):
 * a seal saves a remote read, and this ledger reads nothing remote, so with or
 * without one it decides the same.
 */
export class MemoryRefundLedger extends RuleRefundLedger {
  /** `${transactionId}/${refundId}` -> record. */
  private readonly refunds = new Map<string, RefundRecord>();

  constructor(
    private readonly payments: MemoryLedger,
    now: () => number = Date.now,
    limits?: UserLimitSettings,
  ) {
    super(now, limits);
  }

  protected transact: RefundTransact = (transactionId, refundId, uid, _name, step) => {
    try {
      const key = `${transactionId}/${refundId}`;
      const payment = this.payments.peek(transactionId);
      const current = this.refunds.get(key);
      const user = uid === null ? undefined : this.payments.userLimits(uid);
      const r = step(payment, current && structuredClone(current), user && structuredClone(user));
      if (r.write.kind === 'create') this.refunds.set(key, structuredClone(r.write.record));
      else if (r.write.kind === 'update' && current)
        this.refunds.set(key, { ...current, ...structuredClone(r.write.fields) });
      if (r.totals && payment)
        this.payments.put(transactionId, { ...payment, ...applyDelta(totalsOf(payment), r.totals) });
      if (r.user !== undefined && uid !== null) this.payments.putUserLimits(uid, r.user);
      if (payment) this.payments.append(transactionId, r.events);
      return Promise.resolve(r.result);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };

  /** Stores a refund as is (test setup). */
  put(record: RefundRecord): void {
    this.refunds.set(`${record.transactionId}/${record.refundId}`, structuredClone(record));
  }

  scanRefunds(q: RefundScanQuery): Promise<UnresolvedRefund[]> {
    const order = (r: RefundRecord) => (q.status === RefundStatus.pending ? (r.leaseUntil ?? 0) : r.updatedAt);
    const key = (r: RefundRecord) => [order(r), `${r.transactionId}/${r.refundId}`] as const;
    const after = q.after ? ([q.after.orderValue, `${q.after.transactionId}/${q.after.refundId}`] as const) : null;
    const found = [...this.refunds.values()]
      .filter((r) => r.status === q.status && order(r) < q.before)
      .sort((a, b) => compare(key(a), key(b)))
      .filter((r) => !after || compare(key(r), after) > 0)
      .slice(0, q.limit)
      .map((r) => ({ transactionId: r.transactionId, refundId: r.refundId, refund: structuredClone(r) }));
    return Promise.resolve(found);
  }

  getRefund(transactionId: string, refundId: string): Promise<RefundRecord | null> {
    const r = this.refunds.get(`${transactionId}/${refundId}`);
    return Promise.resolve(r ? structuredClone(r) : null);
  }

  listRefunds(transactionId: string): Promise<RefundRecord[]> {
    const mine = [...this.refunds.values()].filter((r) => r.transactionId === transactionId);
    mine.sort((a, b) => a.createdAt - b.createdAt || (a.refundId < b.refundId ? -1 : 1));
    return Promise.resolve(mine.map((r) => structuredClone(r)));
  }

  refundHealth(_now: number): Promise<RefundHealth> {
    const all = [...this.refunds.values()];
    return Promise.resolve({
      pendingRefunds: all.filter((r) => r.status === RefundStatus.pending).length,
      unknownRefunds: all.filter((r) => r.status === RefundStatus.unknown).length,
    });
  }
}

function compare(a: readonly [number, string], b: readonly [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}
