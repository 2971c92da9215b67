import type { Firestore } from 'firebase-admin/firestore';
import { PaymentStatus } from '../../api.js';
import type { RunQuery } from '../../resilience/breaker/breakerStoreFirestore.js';
import type { PaymentRecord, UnresolvedPayment } from './paymentLedger.js';
import { RuleLedger, type Transact } from './ruleLedger.js';

/** The ledger collection: one document per transactionId. */
export const PAYMENTS = 'payments';

/**
 * The ledger in Firestore (`payments/{transactionId}`). Every rule runs inside
 * a transaction through the query pool, so two calls (or a call and
 * reconciliation) never both act on one record.
 */
export class FirestoreLedger extends RuleLedger {
  constructor(
    private readonly runQuery: RunQuery,
    now: () => number = Date.now,
  ) {
    super(now);
  }

  protected transact: Transact = (transactionId, name, step) =>
    this.runQuery(
      (db) =>
        db.runTransaction(async (tx) => {
          const ref = docRef(db, transactionId);
          const snap = await tx.get(ref);
          const { write, result } = step(snap.exists ? (snap.data() as PaymentRecord) : undefined);
          if (write.kind === 'create') tx.create(ref, write.record);
          else if (write.kind === 'update') tx.update(ref, write.fields);
          return result;
        }),
      name,
    );

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
    const snap = await this.runQuery((db) => docRef(db, transactionId).get(), 'payments.get', { readOnly: true });
    return snap.exists ? (snap.data() as PaymentRecord) : null;
  }
}

function docRef(db: Firestore, transactionId: string) {
  return db.collection(PAYMENTS).doc(transactionId);
}
