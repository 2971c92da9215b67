import { FieldPath, type DocumentSnapshot, type Timestamp } from 'firebase-admin/firestore';
import { PaymentStatus, RefundStatus, type ErrorCode } from '../../api/index.js';
import { appendEvents } from '../history/historyStore.js';
import { AppError } from '../../resilience/appError.js';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { grpcStatusOf } from '../../resilience/query/queryPoolErrors.js';
import type { UserLimitSettings, UserLimitState } from '../limits/userLimiter.js';
import { PAYMENTS } from '../ledger/firestoreLedger.js';
import type { LedgerVersion, PaymentRecord } from '../ledger/paymentLedger.js';
import type {
  RefundFinalizeResult,
  RefundHealth,
  RefundOutcome,
  RefundRecord,
  RefundScanQuery,
  RefundTotals,
  UnresolvedRefund,
} from './refundLedger.js';
import { finalizeRefundStep } from './refundRules.js';
import { withRefundEvents } from './refundHistory.js';
import { RuleRefundLedger, settledNote, type RefundTransact } from './ruleRefundLedger.js';
import {
  commitStep,
  increments,
  REFUNDS,
  refundDoc,
  sealedRound,
  stepDocs,
  type Seen,
  type SeenDocs,
} from './refundCommit.js';

export { REFUNDS } from './refundCommit.js';

/** Rounds of read-then-conditional-commit before a step gives up (the documents kept changing). */
const ROUNDS = 5;

/**
 * The refund ledger in Firestore. Each step is one read of the payment, the
 * refund (and the admin's limits) with `getAll`, then one batched commit
 * preconditioned on what was read (each document's update time, or its
 * absence): the refund, the payment's totals (increments, so they stay
 * right whatever else commits on the payment) and the limits together. A
 * precondition that fails means another writer got there first: the round
 * repeats from a fresh read. No transaction is used, so the commit reports
 * the refund's update time, and the outcome of a claim can be one
 * conditional commit ({@link finalizeRefund}). Happy path of a refund: read,
 * write-ahead commit, outcome commit: three round trips. With the admin's
 * refund seal from `getPayment` (refundSeal.ts) the claim's first round runs
 * on the sealed copies instead of the read (refundCommit.ts sealedRound):
 * two round trips; a seal that does not open, or is stale, falls back to the
 * read rounds.
 */
export class FirestoreRefundLedger extends RuleRefundLedger {
  constructor(
    private readonly runQuery: RunQuery,
    now: () => number = Date.now,
    limits?: UserLimitSettings,
    /** The SEAL_KEY (access/sealKey.ts), null without one: refund seals are then ignored. */
    private readonly sealKey: () => string | null = () => null,
  ) {
    super(now, limits);
  }

  protected transact: RefundTransact = async (transactionId, refundId, uid, name, step, seal) => {
    const ids = { transactionId, refundId, uid };
    const key = seal ? this.sealKey() : null;
    if (seal && key !== null) {
      const presented = { token: seal.token, requestedBy: seal.requestedBy, key, now: this.clock() };
      const done = await sealedRound(this.runQuery, ids, name, presented, step);
      if (done) return done.result;
    }
    for (let round = 0; round < ROUNDS; round++) {
      const [payment, refund, user] = await this.runQuery((db) => db.getAll(...stepDocs(db, ids)), 'refunds.read', {
        readOnly: true,
      });
      const seen = <T>(snap: DocumentSnapshot | undefined): Seen<T> => ({
        exists: snap?.exists ?? false,
        updateTime: snap?.updateTime,
        data: snap?.exists ? (snap.data() as T) : undefined,
      });
      const docs: SeenDocs = {
        payment: seen<PaymentRecord>(payment),
        refund: seen<RefundRecord>(refund),
        user: user ? seen<UserLimitState>(user) : undefined,
      };
      const r = step(docs.payment.data, docs.refund.data, docs.user?.data);
      const done = await commitStep(this.runQuery, ids, name, r, docs);
      if (done) return done.result;
    }
    throw new AppError<ErrorCode>(
      'REFUND_IN_PROGRESS',
      `Refund ${refundId} of transaction ${transactionId} kept changing while it was written; retry with the same refundId.`,
      { details: { transactionId, refundId, retryAfterMs: 500 } },
    );
  };

  /**
   * The outcome of a claim as one conditional commit when the refund is still
   * exactly as claimed (its update time unchanged): the refund and the
   * payment's totals (increments, no read). Otherwise, or when the
   * precondition fails, through the read-then-commit step.
   */
  override async finalizeRefund(
    transactionId: string,
    refundId: string,
    claimId: string,
    outcome: RefundOutcome,
    expected?: { refund: RefundRecord; version: LedgerVersion | null; totals?: RefundTotals },
  ): Promise<RefundFinalizeResult> {
    const version = expected?.version as Timestamp | null | undefined;
    if (expected && version) {
      const totals = expected.totals ?? { refundedAmount: 0, pendingRefundAmount: 0 };
      const now = this.clock();
      const settled = finalizeRefundStep(expected.refund, transactionId, refundId, claimId, outcome, now, totals);
      // Only a succeeded payment's refund is claimed, and a succeeded payment stays succeeded.
      const step = withRefundEvents(settled, PaymentStatus.succeeded, expected.refund, settledNote(claimId), now);
      if (step.write.kind === 'update') {
        const fields = step.write.fields;
        const written = await this.runQuery(async (db) => {
          const [pRef, rRef] = stepDocs(db, { transactionId, refundId, uid: null });
          const batch = db.batch().update(rRef!, fields, { lastUpdateTime: version });
          if (step.totals) batch.update(pRef!, increments(step.totals));
          appendEvents(batch, pRef!, step.events);
          try {
            await batch.commit();
            return true;
          } catch (err) {
            if (grpcStatusOf(err) === 'FAILED_PRECONDITION') return false;
            throw err;
          }
        }, 'refunds.finalizeFast');
        if (written) return step.result;
      }
    }
    return super.finalizeRefund(transactionId, refundId, claimId, outcome, expected);
  }

  async scanRefunds(q: RefundScanQuery): Promise<UnresolvedRefund[]> {
    const field = q.status === RefundStatus.pending ? 'leaseUntil' : 'updatedAt';
    const snap = await this.runQuery(
      (db) => {
        let query = db
          .collectionGroup(REFUNDS)
          .where('status', '==', q.status)
          .where(field, '<', q.before)
          .orderBy(field)
          .orderBy(FieldPath.documentId());
        if (q.after) {
          const path = `${PAYMENTS}/${q.after.transactionId}/${REFUNDS}/${q.after.refundId}`;
          query = query.startAfter(q.after.orderValue, path);
        }
        return query.limit(q.limit).get();
      },
      'refunds.scan',
      { readOnly: true },
    );
    return snap.docs.map((d) => {
      const refund = d.data() as RefundRecord;
      return { transactionId: refund.transactionId, refundId: refund.refundId, refund };
    });
  }

  async getRefund(transactionId: string, refundId: string): Promise<RefundRecord | null> {
    const snap = await this.runQuery((db) => refundDoc(db, transactionId, refundId).get(), 'refunds.get', {
      readOnly: true,
    });
    return snap.exists ? (snap.data() as RefundRecord) : null;
  }

  async listRefunds(transactionId: string): Promise<RefundRecord[]> {
    const snap = await this.runQuery(
      (db) => db.collection(PAYMENTS).doc(transactionId).collection(REFUNDS).orderBy('createdAt').get(),
      'refunds.list',
      { readOnly: true },
    );
    return snap.docs.map((d) => d.data() as RefundRecord);
  }

  refundHealth(_now: number): Promise<RefundHealth> {
    return this.runQuery(
      async (db) => {
        const count = (status: RefundStatus) => db.collectionGroup(REFUNDS).where('status', '==', status).count().get();
        const [pending, unknown] = await Promise.all([count(RefundStatus.pending), count(RefundStatus.unknown)]);
        return { pendingRefunds: pending.data().count, unknownRefunds: unknown.data().count };
      },
      'refunds.health',
      { readOnly: true },
    );
  }
}
