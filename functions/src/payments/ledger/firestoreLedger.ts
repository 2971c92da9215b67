import { FieldValue, type DocumentData, type Firestore, type Timestamp } from 'firebase-admin/firestore';
import { PaymentStatus, type PaymentHistoryEvent, type ReconcileReport } from '../../api/index.js';
import { appendEvents, listEvents } from '../history/historyStore.js';
import { claimWithEvents, finalizeWithEvents } from '../history/ledgerEvents.js';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { grpcStatusOf } from '../../resilience/query/queryPoolErrors.js';
import type { UserLimitSettings, UserLimitState } from '../limits/userLimiter.js';
import { claimStep, finalizeStep, newClaimId } from './ledgerRules.js';
import { OptimisticClaims, type ClaimDocs } from './optimisticClaim.js';
import { writeOutcomeFast } from './outcomeWrite.js';
import { countShards, eachShard, mergeShards, shardedRecord, withShard } from './paymentShards.js';
import {
  WAITING_STATUSES,
  type Claim,
  type FinalizeResult,
  incidentCounts,
  type LedgerIncident,
  type LedgerVersion,
  type PaymentLedgerHealth,
  type PaymentOutcome,
  type PaymentRecord,
  type ScanQuery,
  type UnresolvedPayment,
} from './paymentLedger.js';
import { RuleLedger, type Transact, type TransactWithUser } from './ruleLedger.js';
import { scanUnresolved } from './firestoreScan.js';
import { firestoreDisputeHealth } from './disputeHealth.js';
import type { PaymentRequest } from '../paymentRequest.js';

/** The ledger collection: one document per transactionId. */
export const PAYMENTS = 'payments';
/** Per-user limit state: one document per uid (see limits/userLimiter.ts). */
export const USER_LIMITS = 'userLimits';
/** Fleet-wide ledger numbers: `incidents` (counters) and `lastReconciliation` (the last pass's report). */
export const LEDGER_STATS = 'ledgerStats';

/**
 * The ledger in Firestore (`payments/{transactionId}`). Every rule runs inside
 * a transaction through the query pool, so two calls (or a call and
 * reconciliation) never both act on one record. The scans and counts need the
 * composite indexes in firestore.indexes.json.
 */
export class FirestoreLedger extends RuleLedger {
  constructor(
    private readonly runQuery: RunQuery,
    now: () => number = Date.now,
    limits?: UserLimitSettings,
  ) {
    super(now, limits);
    this.optimistic = limits && new OptimisticClaims(runQuery, DOCS, limits, now);
  }

  /** Claims under per-user limits without a transaction (see optimisticClaim.ts); undefined without limits. */
  private readonly optimistic: OptimisticClaims | undefined;

  /** This instance's copies of users' limits, which sealed reads carry between instances (limitSeals.ts). */
  get limitCopies(): OptimisticClaims | undefined {
    return this.optimistic;
  }

  protected transactWithUser: TransactWithUser = (transactionId, uid, name, step) =>
    this.runQuery(
      (db) =>
        db.runTransaction(async (tx) => {
          const ref = docRef(db, transactionId);
          let snap;
          let userSnap;
          if (uid) [snap, userSnap] = await tx.getAll(ref, userRef(db, uid));
          else snap = await tx.get(ref);
          const current = snap?.exists ? (snap.data() as PaymentRecord) : undefined;
          const userId = uid ?? current?.uid;
          if (userId && !userSnap) userSnap = await tx.get(userRef(db, userId));
          const user = userSnap?.exists ? (userSnap.data() as UserLimitState) : undefined;
          const { write, result, user: nextUser, events } = step(current, user);
          if (write.kind === 'create') tx.create(ref, write.record);
          else if (write.kind === 'update') tx.update(ref, withShard(transactionId, current, write.fields));
          appendEvents(tx, ref, events);
          if (nextUser !== undefined && userId) tx.set(userRef(db, userId), nextUser);
          if (userId) this.optimistic?.forget(userId);
          return result;
        }),
      name,
    );

  /**
   * Claims with one write on the happy path: a create that fails if the record
   * exists. Only then a plain read decides a replay (final records never
   * change), and anything else falls back to the transaction.
   */
  override async claim(req: PaymentRequest, leaseMs: number): Promise<Claim> {
    const claimId = newClaimId();
    if (this.optimistic) return this.limitedClaim(req, leaseMs, claimId, this.optimistic);
    const now = this.clock();
    const fresh = claimWithEvents(claimStep(undefined, req, claimId, now, leaseMs), undefined, req.uid, claimId, now);
    if (fresh.write.kind === 'create') {
      const record = fresh.write.record;
      const writeTime = await this.runQuery(async (db) => {
        try {
          // One commit: the record and its history's first event.
          const batch = db.batch().create(docRef(db, req.transactionId), record);
          appendEvents(batch, docRef(db, req.transactionId), fresh.events);
          return (await batch.commit())[0]!.writeTime;
        } catch (err) {
          if (grpcStatusOf(err) === 'ALREADY_EXISTS') return null;
          throw err;
        }
      }, 'payments.create');
      if (writeTime) return { ...fresh.result, version: writeTime } as Claim;
    }
    const existing = await this.get(req.transactionId);
    if (existing) {
      const seen = claimStep(existing, req, claimId, this.clock(), leaseMs);
      if (seen.write.kind === 'none') return seen.result;
    }
    return super.claim(req, leaseMs, claimId);
  }

  /**
   * With per-user limits: one batched write (the payment's create and the user's limits, preconditioned on
   * the copy they were computed from). An existing payment is decided from a plain read and answered only
   * after the call spent from its caller's limits (OptimisticClaims.answerExisting), whatever it is: a replay,
   * another user's id, other parameters, a call in progress. A record to claim again takes the transaction.
   */
  private async limitedClaim(req: PaymentRequest, leaseMs: number, claimId: string, optimistic: OptimisticClaims) {
    const claimed = await optimistic.claim(req, leaseMs, claimId);
    if (claimed && 'exists' in claimed) {
      const answered = await optimistic.answerExisting(claimed.exists, req, claimId, leaseMs);
      if (answered) return answered;
    } else if (claimed) return claimed;
    const claim = await super.claim(req, leaseMs, claimId);
    return claim.kind === 'claimed' ? this.warm(req, claim) : claim;
  }

  /** Spends with one write of the user's limits, conditional on the instance's copy (OptimisticClaims.spend). */
  override spend(req: PaymentRequest): Promise<void> {
    return this.optimistic ? this.optimistic.spend(req, newClaimId()) : super.spend(req);
  }

  /**
   * After a transactional claim (whose commit time Firestore does not report
   * per document), one read learns the versions of the claimed record and the
   * user's limits, so the outcome and the user's next claim can each take the
   * one-write path.
   */
  private async warm(req: PaymentRequest, claim: Extract<Claim, { kind: 'claimed' }>): Promise<Claim> {
    const snaps = await this.runQuery(
      (db) => db.getAll(docRef(db, req.transactionId), userRef(db, req.uid)),
      'ledger.warm',
      { readOnly: true },
    ).catch(() => null);
    const [payment, user] = snaps ?? [];
    if (user?.exists && user.updateTime)
      this.optimistic?.remember(req.uid, user.data() as UserLimitState, user.updateTime);
    const record = payment?.data() as PaymentRecord | undefined;
    if (!payment?.updateTime || record?.claimId !== claim.claimId) return claim;
    return { ...claim, record, version: payment.updateTime };
  }

  /**
   * Writes the outcome with one conditional update when the record is still
   * exactly as claimed (its update time unchanged); otherwise, or when the
   * precondition fails, through the transaction.
   */
  override async finalize(
    transactionId: string,
    claimId: string,
    outcome: PaymentOutcome,
    expected?: { record: PaymentRecord; version: LedgerVersion | null },
  ): Promise<FinalizeResult> {
    if (expected?.version) {
      const version = expected.version;
      const [now, before] = [this.clock(), expected.record];
      const step = finalizeWithEvents(
        finalizeStep(before, transactionId, claimId, outcome, now),
        before,
        claimId,
        outcome,
        now,
      );
      const { write } = step;
      if (write.kind === 'update') {
        const deps = { runQuery: this.runQuery, docs: DOCS, optimistic: this.optimistic };
        const { uid } = expected.record;
        const fields = write.fields;
        const written = await writeOutcomeFast(
          deps,
          transactionId,
          claimId,
          fields,
          version as Timestamp,
          uid,
          step.events,
        );
        if (written) {
          this.optimistic?.settled.settle(transactionId, claimId, { ...before, ...fields });
          return step.result;
        }
      }
    }
    return super.finalize(transactionId, claimId, outcome, expected);
  }

  protected transact: Transact = (transactionId, name, step) =>
    this.runQuery(
      (db) =>
        db.runTransaction(async (tx) => {
          const ref = docRef(db, transactionId);
          const snap = await tx.get(ref);
          const { write, result, events } = step(snap.exists ? (snap.data() as PaymentRecord) : undefined);
          if (write.kind === 'create') tx.create(ref, write.record);
          else if (write.kind === 'update') tx.update(ref, withShard(transactionId, snap.data(), write.fields));
          appendEvents(tx, ref, events);
          return result;
        }),
      name,
    );

  scanUnresolved(q: ScanQuery): Promise<UnresolvedPayment[]> {
    return scanUnresolved(this.runQuery, q);
  }

  async get(transactionId: string): Promise<PaymentRecord | null> {
    const snap = await this.runQuery((db) => docRef(db, transactionId).get(), 'payments.get', { readOnly: true });
    return snap.exists ? (snap.data() as PaymentRecord) : null;
  }

  async findByProviderRef(providerRef: string): Promise<string | null> {
    const q = (db: Firestore) => db.collection(PAYMENTS).where('providerRef', '==', providerRef).limit(1).get();
    const snap = await this.runQuery(q, 'payments.byProviderRef', { readOnly: true });
    return snap.docs[0]?.id ?? null;
  }

  listEvents(transactionId: string): Promise<PaymentHistoryEvent[]> {
    return listEvents(this.runQuery, transactionId);
  }

  async countIncident(kind: LedgerIncident): Promise<void> {
    await this.runQuery(
      (db) =>
        db
          .collection(LEDGER_STATS)
          .doc('incidents')
          .set({ [kind]: FieldValue.increment(1) }, { merge: true }),
      'ledger.countIncident',
    );
  }

  async saveReconcileReport(report: ReconcileReport): Promise<void> {
    await this.runQuery(
      (db) => db.collection(LEDGER_STATS).doc('lastReconciliation').set(report),
      'ledger.saveReport',
      { idempotent: true },
    );
  }

  health(now: number): Promise<PaymentLedgerHealth> {
    return this.runQuery(
      async (db) => {
        const payments = db.collection(PAYMENTS);
        const sharded = (shard: number) => payments.where('shard', '==', shard);
        const [unknownCount, waiting, oldest, expired, incidents, lastRun, disputes] = await Promise.all([
          payments.where('status', '==', PaymentStatus.unknown).count().get(),
          payments.where('status', 'in', WAITING_STATUSES).count().get(),
          eachShard((s) => sharded(s).where('status', '==', PaymentStatus.unknown).orderBy('createdAt').limit(1)),
          countShards((s) => sharded(s).where('status', '==', PaymentStatus.pending).where('leaseUntil', '<', now)),
          db.collection(LEDGER_STATS).doc('incidents').get(),
          db.collection(LEDGER_STATS).doc('lastReconciliation').get(),
          firestoreDisputeHealth(payments),
        ]);
        const counters = (incidents.data() ?? {}) as Partial<Record<LedgerIncident, number>>;
        const firsts = oldest.map((docs) => docs.map((d) => d.data() as PaymentRecord));
        const oldestRecord = mergeShards(firsts, (a, b) => a.createdAt - b.createdAt, 1)[0];
        return {
          unknown: unknownCount.data().count,
          oldestUnknownAgeMs: oldestRecord ? now - oldestRecord.createdAt : null,
          waiting: waiting.data().count,
          expiredPending: expired,
          ...incidentCounts(counters),
          ...disputes,
          lastRun: lastRun.exists ? (lastRun.data() as ReconcileReport) : null,
        };
      },
      'ledger.health',
      { readOnly: true },
    );
  }
}

/** A payment's document; creating it stores its index shard (paymentShards.ts). */
function docRef(db: Firestore, transactionId: string) {
  return db.collection(PAYMENTS).doc(transactionId).withConverter(shardedRecord<DocumentData>(transactionId));
}

function userRef(db: Firestore, uid: string) {
  return db.collection(USER_LIMITS).doc(uid);
}

const DOCS: ClaimDocs = { payment: docRef, user: userRef };
