import { PaymentStatus } from '../../api.js';
import { attachStep, claimStep, finalizeStep, newClaimId, resolutionStep, type LedgerStep } from './ledgerRules.js';
import type {
  Claim,
  PaymentLedger,
  PaymentOutcome,
  PaymentRecord,
  PaymentRequest,
  UnresolvedPayment,
} from './paymentLedger.js';

/**
 * An in-process ledger with the same rules as FirestoreLedger (ledgerRules.ts),
 * for unit tests of the payment decisions. Each step runs synchronously in
 * one turn of the event loop, so it is atomic like a transaction.
 */
export class MemoryLedger implements PaymentLedger {
  private readonly records = new Map<string, PaymentRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  claim(req: PaymentRequest, leaseMs: number): Promise<Claim> {
    const claimId = newClaimId();
    return this.transact(req.transactionId, (cur) => claimStep(cur, req, claimId, this.now(), leaseMs));
  }

  attachProviderRef(transactionId: string, claimId: string, providerRef: string): Promise<void> {
    return this.transact(transactionId, (cur) => attachStep(cur, claimId, providerRef, this.now()));
  }

  finalize(transactionId: string, claimId: string, outcome: PaymentOutcome): Promise<void> {
    return this.transact(transactionId, (cur) => finalizeStep(cur, transactionId, claimId, outcome, this.now()));
  }

  claimForResolution(
    transactionId: string,
    leaseMs: number,
  ): Promise<{ claimId: string; record: PaymentRecord } | null> {
    const claimId = newClaimId();
    return this.transact(transactionId, (cur) => resolutionStep(cur, claimId, this.now(), leaseMs));
  }

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

  private transact<T>(transactionId: string, step: (current: PaymentRecord | undefined) => LedgerStep<T>): Promise<T> {
    try {
      const current = this.records.get(transactionId);
      const { write, result } = step(current ? structuredClone(current) : undefined);
      if (write.kind === 'create') this.records.set(transactionId, structuredClone(write.record));
      else if (write.kind === 'update')
        this.records.set(transactionId, { ...current!, ...structuredClone(write.fields) });
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
