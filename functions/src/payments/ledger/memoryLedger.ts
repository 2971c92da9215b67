import { PaymentStatus } from '../../api.js';
import type { PaymentRecord, UnresolvedPayment } from './paymentLedger.js';
import { RuleLedger, type Transact } from './ruleLedger.js';

/**
 * An in-process ledger with the same rules as FirestoreLedger, for unit tests
 * of the payment decisions. Each step runs synchronously in one turn of the
 * event loop, so it is atomic like a transaction.
 */
export class MemoryLedger extends RuleLedger {
  private readonly records = new Map<string, PaymentRecord>();

  constructor(now: () => number = Date.now) {
    super(now);
  }

  protected transact: Transact = (transactionId, _name, step) => {
    try {
      const current = this.records.get(transactionId);
      const { write, result } = step(current ? structuredClone(current) : undefined);
      if (write.kind === 'create') this.records.set(transactionId, structuredClone(write.record));
      else if (write.kind === 'update' && current) {
        this.records.set(transactionId, { ...current, ...structuredClone(write.fields) });
      }
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };

  scanUnresolved(limit: number): Promise<UnresolvedPayment[]> {
    const open: readonly string[] = [PaymentStatus.unknown, PaymentStatus.pending];
    const found = [...this.records]
      .filter(([, r]) => open.includes(r.status))
      .slice(0, limit)
      .map(([transactionId, r]) => ({ transactionId, record: structuredClone(r) }));
    return Promise.resolve(found);
  }

  get(transactionId: string): Promise<PaymentRecord | null> {
    const r = this.records.get(transactionId);
    return Promise.resolve(r ? structuredClone(r) : null);
  }
}
