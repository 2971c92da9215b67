import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { appendEvents } from '../history/historyStore.js';
import { grpcStatusOf } from '../../resilience/query/queryPoolErrors.js';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import type { UserLimitState } from '../limits/userLimiter.js';
import { PAYMENTS, USER_LIMITS } from '../ledger/firestoreLedger.js';
import type { LedgerVersion, PaymentRecord } from '../ledger/paymentLedger.js';
import type { RefundRecord, RefundTotals } from './refundLedger.js';
import type { RefundStep } from './refundRules.js';
import { openRefundSeal } from './refundSeal.js';

/**
 * The write half of FirestoreRefundLedger's steps: one batched commit of a
 * step's writes preconditioned on the documents as the step saw them, and
 * the sealed first round of a claim (refundSeal.ts) that sees them through
 * the seal of `getPayment` instead of a read.
 */

/** A payment's refunds: `payments/{transactionId}/refunds/{refundId}`. */
export const REFUNDS = 'refunds';

/** One document as a step saw it: whether it existed, its update time, its data. */
export interface Seen<T> {
  exists: boolean;
  updateTime?: Timestamp;
  data?: T;
}

/** The payment, the refund and (with a uid) the user's limits as a step saw them. */
export interface SeenDocs {
  payment: Seen<PaymentRecord>;
  refund: Seen<RefundRecord>;
  user?: Seen<UserLimitState>;
}

/** Which documents a step touches. */
export interface StepIds {
  transactionId: string;
  refundId: string;
  uid: string | null;
}

/** A step's answer and its writes; `user: undefined` leaves the limits. */
export type UserStep<T> = RefundStep<T> & { user?: UserLimitState | undefined };

/** The refund's document. */
export function refundDoc(db: Firestore, transactionId: string, refundId: string) {
  return db.collection(PAYMENTS).doc(transactionId).collection(REFUNDS).doc(refundId);
}

/** The payment, the refund and (with `uid`) the user's limits. */
export function stepDocs(db: Firestore, ids: StepIds) {
  const refs = [db.collection(PAYMENTS).doc(ids.transactionId), refundDoc(db, ids.transactionId, ids.refundId)];
  if (ids.uid !== null) refs.push(db.collection(USER_LIMITS).doc(ids.uid));
  return refs;
}

/** A payment's totals moved by `d`, without reading them. */
export function increments(d: RefundTotals) {
  return {
    refundedAmount: FieldValue.increment(d.refundedAmount),
    pendingRefundAmount: FieldValue.increment(d.pendingRefundAmount),
  };
}

/** A precondition on a document as seen: unchanged since. */
const at = (updateTime: Timestamp | undefined) => ({ lastUpdateTime: updateTime! });

/**
 * Commits `r`'s writes preconditioned on `seen` (each document's update time,
 * or its absence). Resolves the step's answer (a claim's `version` set to the
 * refund's write time), the answer alone when there is nothing to write, or
 * null when a precondition failed (another writer got there first: read again).
 */
export async function commitStep<T>(
  runQuery: RunQuery,
  ids: StepIds,
  name: string,
  r: UserStep<T>,
  seen: SeenDocs,
): Promise<{ result: T } | null> {
  const writesUser = r.user !== undefined && ids.uid !== null;
  if (r.write.kind === 'none' && !r.totals && !writesUser) return { result: r.result };
  const { payment, refund, user } = seen;
  const committed = await runQuery(async (db) => {
    const [pRef, rRef, uRef] = stepDocs(db, ids);
    const batch = db.batch();
    if (r.write.kind === 'create') batch.create(rRef!, r.write.record);
    else if (r.write.kind === 'update') batch.update(rRef!, r.write.fields, at(refund.updateTime));
    if (r.totals && payment.exists) batch.update(pRef!, increments(r.totals), at(payment.updateTime));
    if (payment.exists) appendEvents(batch, pRef!, r.events);
    if (writesUser) {
      const next = user?.data?.spent ? { ...r.user!, spent: {} } : { ...r.user! };
      if (user?.exists) batch.update(uRef!, next, at(user.updateTime));
      else batch.create(uRef!, next);
    }
    try {
      return await batch.commit();
    } catch (err) {
      const status = grpcStatusOf(err);
      if (status === 'FAILED_PRECONDITION' || status === 'ALREADY_EXISTS' || status === 'NOT_FOUND') return null;
      throw err;
    }
  }, name);
  if (!committed) return null;
  // The refund's write is the batch's first when the step wrote it: its update time is the claim's version.
  const result = r.result as { kind?: string; version?: LedgerVersion | null };
  if (r.write.kind !== 'none' && result?.kind === 'claimed') result.version = committed[0]!.writeTime;
  return { result: r.result };
}

/** A refund seal presented by the admin who asks. */
export interface PresentedSeal {
  token: string;
  requestedBy: string;
  key: string;
  now: number;
}

/**
 * The sealed first round of a claim: the step on the seal's copies of the
 * payment and the admin's limits (the refund as absent), committed
 * preconditioned on the sealed update times and the refund's creation, so
 * the commit lands only where a read at commit time would have seen exactly
 * these copies, and the step's decision is the one the read path would take.
 * Only a fresh claim is committed this way: any other answer (a refusal, a
 * replay, an error thrown by the step) may rest on a stale copy, so it
 * resolves null without writing and the caller reads (no decision is taken on
 * a copy that was not confirmed by the commit's preconditions). Null too when
 * the seal does not open for this admin and payment, or a precondition fails.
 */
export async function sealedRound<T>(
  runQuery: RunQuery,
  ids: StepIds,
  name: string,
  seal: PresentedSeal,
  step: (p: PaymentRecord | undefined, r: RefundRecord | undefined, u: UserLimitState | undefined) => UserStep<T>,
): Promise<{ result: T } | null> {
  const copies = openRefundSeal(seal.key, seal.requestedBy, ids.transactionId, seal.token, seal.now);
  if (!copies) return null;
  const time = (t: { seconds: number; nanoseconds: number }) => new Timestamp(t.seconds, t.nanoseconds);
  // The claim rule reads only the sealed fields of the payment (refundSeal.ts; refundSeal.test.ts checks it).
  const payment = copies.payment.record as PaymentRecord;
  const limits = copies.limits;
  const seen: SeenDocs = {
    payment: { exists: true, updateTime: time(copies.payment.updateTime), data: payment },
    refund: { exists: false },
    user:
      ids.uid === null
        ? undefined
        : limits.updateTime === null
          ? { exists: false }
          : { exists: true, updateTime: time(limits.updateTime), data: limits.state },
  };
  let r: UserStep<T>;
  try {
    r = step(payment, undefined, seen.user?.data);
  } catch {
    return null;
  }
  const claimed = (r.result as { kind?: string } | null)?.kind === 'claimed';
  if (!claimed || r.write.kind !== 'create' || !r.totals || (ids.uid !== null && r.user === undefined)) return null;
  return commitStep(runQuery, ids, name, r, seen);
}
