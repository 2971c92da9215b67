import type { Firestore } from 'firebase-admin/firestore';
import { PaymentStatus } from '../../api.js';
import type { RunQuery } from '../../resilience/breaker/breakerStoreFirestore.js';
import { attachStep, claimStep, finalizeStep, newClaimId, resolutionStep, type LedgerStep } from './ledgerRules.js';
import type {
  Claim,
  PaymentLedger,
  PaymentOutcome,
  PaymentRecord,
  PaymentRequest,
  UnresolvedPayment,
} from './paymentLedger.js';

/** The ledger collection: one document per transactionId. */
export const PAYMENTS = 'payments';

/**
 * The ledger in Firestore (`payments/{transactionId}`). Every rule runs inside
 * a transaction through the query pool, so two calls (or a call and
 * reconciliation) never both act on one record.
 */
export class FirestoreLedger implements PaymentLedger {
  constructor(
    private readonly runQuery: RunQuery,
    private readonly now: () => number = Date.now,
  ) {}

  claim(req: PaymentRequest, leaseMs: number): Promise<Claim> {
    const claimId = newClaimId();
    return this.transact(req.transactionId, 'payments.claim', (cur) =>
      claimStep(cur, req, claimId, this.now(), leaseMs),
    );
  }

  attachProviderRef(transactionId: string, claimId: string, providerRef: string): Promise<void> {
    return this.transact(transactionId, 'payments.attachRef', (cur) =>
      attachStep(cur, claimId, providerRef, this.now()),
    );
  }

  finalize(transactionId: string, claimId: string, outcome: PaymentOutcome): Promise<void> {
    return this.transact(transactionId, 'payments.finalize', (cur) =>
      finalizeStep(cur, transactionId, claimId, outcome, this.now()),
    );
  }

  claimForResolution(
    transactionId: string,
    leaseMs: number,
  ): Promise<{ claimId: string; record: PaymentRecord } | null> {
    const claimId = newClaimId();
    return this.transact(transactionId, 'payments.claimForResolution', (cur) =>
      resolutionStep(cur, claimId, this.now(), leaseMs),
    );
  }

  async scanUnresolved(limit: number): Promise<UnresolvedPayment[]> {
    const snap = await this.runQuery(
      (db) =>
        db
          .collection(PAYMENTS)
          .where('status', 'in', [PaymentStatus.unknown, PaymentStatus.pending])
          .limit(limit)
          .get(),
      'payments.reconcileScan',
      { readOnly: true },
    );
    return snap.docs.map((d) => ({ transactionId: d.id, record: d.data() as PaymentRecord }));
  }

  async get(transactionId: string): Promise<PaymentRecord | null> {
    const snap = await this.runQuery((db) => this.ref(db, transactionId).get(), 'payments.get', { readOnly: true });
    return snap.exists ? (snap.data() as PaymentRecord) : null;
  }

  private ref(db: Firestore, transactionId: string) {
    return db.collection(PAYMENTS).doc(transactionId);
  }

  /** Reads the record, applies `step` and writes what it says, in one transaction. */
  private transact<T>(
    transactionId: string,
    name: string,
    step: (current: PaymentRecord | undefined) => LedgerStep<T>,
  ): Promise<T> {
    return this.runQuery(
      (db) =>
        db.runTransaction(async (tx) => {
          const ref = this.ref(db, transactionId);
          const snap = await tx.get(ref);
          const { write, result } = step(snap.exists ? (snap.data() as PaymentRecord) : undefined);
          if (write.kind === 'create') tx.create(ref, write.record);
          else if (write.kind === 'update') tx.update(ref, write.fields);
          return result;
        }),
      name,
    );
  }
}
