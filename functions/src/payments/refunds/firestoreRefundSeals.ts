import type { DocumentSnapshot, Timestamp } from 'firebase-admin/firestore';
import { PaymentStatus } from '../../api/index.js';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { PAYMENTS, USER_LIMITS } from '../ledger/firestoreLedger.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import type { UserLimitState } from '../limits/userLimiter.js';
import type { RefundSealReader, SealedPaymentRead } from './refundSeal.js';
import { sealRefund } from './refundSeal.js';
import { refundableOf } from './refundTotals.js';

const sealTime = (t: Timestamp) => ({ seconds: t.seconds, nanoseconds: t.nanoseconds });

/**
 * getPayment's read of a payment for an admin in Firestore: the payment and
 * the admin's `userLimits/{uid}` in one `getAll` (one round trip, as the
 * payment's own get), sealed for that admin's refund when the payment can be
 * refunded and a seal key is mounted.
 */
export class FirestoreRefundSeals implements RefundSealReader {
  constructor(
    private readonly runQuery: RunQuery,
    private readonly sealKey: () => string | null,
    private readonly now: () => number = Date.now,
  ) {}

  async readWithSeal(transactionId: string, uid: string): Promise<SealedPaymentRead> {
    const key = this.sealKey();
    const snaps: DocumentSnapshot[] = await this.runQuery(
      (db) => {
        const payment = db.collection(PAYMENTS).doc(transactionId);
        return key === null ? db.getAll(payment) : db.getAll(payment, db.collection(USER_LIMITS).doc(uid));
      },
      'payments.getSealed',
      { readOnly: true },
    );
    const [payment, limits] = snaps;
    if (!payment?.exists) return { record: null, refundSeal: null };
    const record = payment.data() as PaymentRecord;
    if (key === null || !limits || record.status !== PaymentStatus.succeeded || refundableOf(record) <= 0) {
      return { record, refundSeal: null };
    }
    const copies = {
      payment: { record, updateTime: sealTime(payment.updateTime!) },
      limits: limits.exists
        ? { state: limits.data() as UserLimitState, updateTime: sealTime(limits.updateTime!) }
        : { state: undefined, updateTime: null },
    };
    return { record, refundSeal: sealRefund(key, uid, transactionId, copies, this.now()) };
  }
}
