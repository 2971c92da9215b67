import type { Firestore, Timestamp } from 'firebase-admin/firestore';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { grpcStatusOf } from '../../resilience/query/queryPoolErrors.js';
import { admit, release, type UserLimitSettings, type UserLimitState } from '../limits/userLimiter.js';
import { PaymentForbiddenError, PaymentUserLimitedError } from '../paymentErrors.js';
import { claimStep, limitedClaimStep } from './ledgerRules.js';
import type { Claim, PaymentRecord } from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';

/** Where the documents live (FirestoreLedger's collections). */
export interface ClaimDocs {
  payment(db: Firestore, transactionId: string): FirebaseFirestore.DocumentReference;
  user(db: Firestore, uid: string): FirebaseFirestore.DocumentReference;
}

/** Rounds of read-then-conditional-write before falling back to a transaction. */
const ROUNDS = 6;

/**
 * Claims a new payment under per-user limits without a transaction: the
 * user's limits are read (or taken from this instance's cached copy) and the
 * claim plus the updated limits are one batched write preconditioned on that
 * copy's update time. A concurrent change of the user's limits fails the
 * precondition and the round repeats with a fresh read, so concurrent calls of
 * one user never wait on each other's locks. Returns `{ exists }` with the
 * stored record when the payment already exists (one refused create and one
 * read) and null when it needs the transaction (a re-claim); refuses
 * (PAYMENT_USER_LIMITED, user-in-flight) when every round was lost.
 */
export class OptimisticClaims {
  /** Last known limits of each user and their update time; per instance, bounded. */
  private readonly cache = new Map<string, { state: UserLimitState | undefined; version: Timestamp | null }>();

  constructor(
    private readonly runQuery: RunQuery,
    private readonly docs: ClaimDocs,
    private readonly limits: UserLimitSettings,
    private readonly clock: () => number,
  ) {}

  /** The cached copy of a user's limits, when this instance has one. */
  cached(uid: string): { state: UserLimitState | undefined; version: Timestamp | null } | undefined {
    return this.cache.get(uid);
  }

  /** Stores a user's limits as written at `version`. */
  remember(uid: string, state: UserLimitState, version: Timestamp): void {
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(uid, { state, version });
  }

  forget(uid: string): void {
    this.cache.delete(uid);
  }

  async claim(
    req: PaymentRequest,
    leaseMs: number,
    claimId: string,
  ): Promise<Claim | { exists: PaymentRecord } | null> {
    for (let round = 0; round < ROUNDS; round++) {
      const known = this.cache.get(req.uid) ?? (await this.read(req.uid));
      // Throws PAYMENT_USER_LIMITED (nothing written) when over a limit; a stale copy is re-read first.
      let step;
      try {
        step = limitedClaimStep(undefined, known.state, req, claimId, this.clock(), leaseMs, this.limits);
      } catch (err) {
        if (!this.cache.has(req.uid) || round > 0) throw err;
        this.cache.delete(req.uid);
        continue;
      }
      if (step.write.kind !== 'create') return null;
      const record = step.write.record;
      const next = step.user;
      const outcome = await this.runQuery(async (db) => {
        const batch = db.batch();
        batch.create(this.docs.payment(db, req.transactionId), record);
        if (known.version) batch.update(this.docs.user(db, req.uid), { ...next }, { lastUpdateTime: known.version });
        else batch.create(this.docs.user(db, req.uid), next);
        try {
          return await batch.commit();
        } catch (err) {
          const status = grpcStatusOf(err);
          if (status === 'ALREADY_EXISTS' || status === 'FAILED_PRECONDITION' || status === 'NOT_FOUND') return status;
          throw err;
        }
      }, 'payments.create');
      if (Array.isArray(outcome)) {
        this.remember(req.uid, next, outcome[1]!.writeTime);
        return { ...step.result, version: outcome[0]!.writeTime } as Claim;
      }
      if (outcome === 'ALREADY_EXISTS') {
        // The batch failed on the payment's create, so the user's limits are as cached: keep the copy.
        const existing = await this.readPayment(req.transactionId);
        if (existing) return { exists: existing };
      }
      this.cache.delete(req.uid);
      // The user's limits changed under us (another call of the same user): read again, after a short jitter.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (round + 1)));
    }
    // Every round lost to another call of the same user: the user has too much going on at once. Refused
    // (nothing written) rather than queued on a transaction, which would only wait on the same contention.
    throw new PaymentUserLimitedError(req.transactionId, 'user-in-flight', 250);
  }

  /**
   * Spends one call from `req.uid`'s limits without claiming anything (its
   * in-flight slot ends at once): one write of the user's limits,
   * preconditioned on the copy the decision was made from, in rounds like
   * {@link claim}. Throws PAYMENT_USER_LIMITED (nothing written) when over a
   * limit or when every round was lost to the same user's other calls.
   */
  async spend(req: PaymentRequest, claimId: string): Promise<void> {
    for (let round = 0; round < ROUNDS; round++) {
      const cached = this.cache.get(req.uid);
      const known = cached ?? (await this.read(req.uid));
      const now = this.clock();
      const decision = admit(known.state, this.limits, claimId, now, now);
      if (!decision.ok) {
        if (cached && round === 0) {
          this.cache.delete(req.uid); // a stale copy is re-read once before refusing
          continue;
        }
        throw new PaymentUserLimitedError(req.transactionId, decision.reason, decision.retryAfterMs);
      }
      const next = release(decision.next, claimId)!;
      const written = await this.runQuery(async (db) => {
        const batch = db.batch();
        const ref = this.docs.user(db, req.uid);
        if (known.version) batch.update(ref, { ...next }, { lastUpdateTime: known.version });
        else batch.create(ref, next);
        try {
          return (await batch.commit())[0]!;
        } catch (err) {
          const status = grpcStatusOf(err);
          if (status === 'ALREADY_EXISTS' || status === 'FAILED_PRECONDITION' || status === 'NOT_FOUND') return null;
          throw err;
        }
      }, 'ledger.userSpend');
      if (written) {
        this.remember(req.uid, next, written.writeTime);
        return;
      }
      this.cache.delete(req.uid);
      await new Promise((r) => setTimeout(r, Math.random() * 10 * (round + 1)));
    }
    throw new PaymentUserLimitedError(req.transactionId, 'user-in-flight', 250);
  }

  /** Another user's payment: refused (permission-denied) only after the call has spent from its caller's limits. */
  async refuseOtherUser(req: PaymentRequest, claimId: string): Promise<never> {
    await this.spend(req, claimId);
    throw new PaymentForbiddenError(req.transactionId);
  }

  private async read(uid: string): Promise<{ state: UserLimitState | undefined; version: Timestamp | null }> {
    const snap = await this.runQuery((db) => this.docs.user(db, uid).get(), 'ledger.userLimits', { readOnly: true });
    const known = {
      state: snap.exists ? (snap.data() as UserLimitState) : undefined,
      version: snap.exists ? (snap.updateTime ?? null) : null,
    };
    this.cache.set(uid, known);
    return known;
  }

  /** The stored payment, or null; the one read that decides a replay after a refused create. */
  private async readPayment(transactionId: string): Promise<PaymentRecord | null> {
    const snap = await this.runQuery((db) => this.docs.payment(db, transactionId).get(), 'payments.get', {
      readOnly: true,
    });
    return snap.exists ? (snap.data() as PaymentRecord) : null;
  }
}

/** The plain-read decision for an existing payment (replay, in progress, other user, other parameters). */
export function decideExisting(
  existing: PaymentRecord,
  req: PaymentRequest,
  claimId: string,
  now: number,
  leaseMs: number,
) {
  return claimStep(existing, req, claimId, now, leaseMs);
}
