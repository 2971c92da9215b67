import type { Firestore, Timestamp } from 'firebase-admin/firestore';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { grpcStatusOf } from '../../resilience/query/queryPoolErrors.js';
import { admit, release, type UserLimitSettings, type UserLimitState } from '../limits/userLimiter.js';
import {
  PaymentConflictError,
  PaymentForbiddenError,
  PaymentInProgressError,
  PaymentUserLimitedError,
} from '../paymentErrors.js';
import { claimStep, limitedClaimStep } from './ledgerRules.js';
import { SettledPayments } from './settledPayments.js';
import { appendEvents } from '../history/historyStore.js';
import { claimWithEvents } from '../history/ledgerEvents.js';
import type { Claim, PaymentRecord } from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';

/** Where the documents live (FirestoreLedger's collections). */
export interface ClaimDocs {
  payment(db: Firestore, transactionId: string): FirebaseFirestore.DocumentReference;
  user(db: Firestore, uid: string): FirebaseFirestore.DocumentReference;
}

/** Rounds of read-then-conditional-write before falling back to a transaction. */
const ROUNDS = 6;

/** Conditional rounds of a spend before it is written blind (see {@link OptimisticClaims.spend}). */
const SPEND_ROUNDS = 2;

/** Most users (and transactionIds) an instance remembers; the memory is cleared when full. */
const REMEMBERED = 10_000;

type Known = { state: UserLimitState | undefined; version: Timestamp | null };

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
 * A transactionId this instance has seen exist (payments are never deleted)
 * is read first instead: a repeat costs that read and its spend.
 */
export class OptimisticClaims {
  /** Last known limits of each user and their update time; per instance, bounded. */
  private readonly cache = new Map<string, Known>();
  /** transactionIds this instance has created or read; per instance, bounded. */
  private readonly existing = new Set<string>();
  /** Succeeded payments this instance created and settled itself: a replay of one reads nothing. */
  readonly settled = new SettledPayments();

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
    if (this.cache.size >= REMEMBERED) this.cache.clear();
    this.cache.set(uid, { state, version });
  }

  /**
   * Takes `state` at `version` as `uid`'s copy when this instance has none:
   * a copy the caller brought back sealed (ledger/limitSeals.ts). The next
   * claim or spend starts from it instead of reading and writes
   * preconditioned on `version`, so a copy that is stale fails there and is
   * read again, as a stale cached copy is: it saves a read, never changes a decision.
   */
  adopt(uid: string, state: UserLimitState, version: Timestamp): void {
    const mine = this.cache.get(uid)?.version;
    // A document's update times only grow: the later copy is the one a precondition can still match.
    if (!mine || version.valueOf() > mine.valueOf()) this.remember(uid, state, version);
  }

  forget(uid: string): void {
    this.cache.delete(uid);
  }

  async claim(
    req: PaymentRequest,
    leaseMs: number,
    claimId: string,
  ): Promise<Claim | { exists: PaymentRecord } | null> {
    const settled = this.settled.get(req.transactionId);
    if (settled) return { exists: settled };
    if (this.existing.has(req.transactionId)) {
      const seen = await this.readPayment(req.transactionId);
      if (seen) return { exists: seen };
      this.existing.delete(req.transactionId);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const known = this.cache.get(req.uid) ?? (await this.read(req.uid));
      // Throws PAYMENT_USER_LIMITED (nothing written) when over a limit; a stale copy is re-read first.
      let step;
      try {
        const now = this.clock();
        const fresh = limitedClaimStep(undefined, known.state, req, claimId, now, leaseMs, this.limits);
        step = claimWithEvents(fresh, undefined, req.uid, claimId, now);
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
        appendEvents(batch, this.docs.payment(db, req.transactionId), step.events);
        if (known.version) batch.update(this.docs.user(db, req.uid), userFields(known, next), precondition(known));
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
        this.sawPayment(req.transactionId);
        this.settled.markCreated(req.transactionId, claimId);
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
   * in-flight slot ends with its answer). First as one write of the user's
   * limits preconditioned on the copy the decision was made from, which keeps
   * this instance's copy exact; when that loses {@link SPEND_ROUNDS} times to
   * other writes of the same user (concurrent repeats of one id), the spend is
   * written blind as its own key under `spent`, decided on the last fresh
   * copy: it cannot fail or wait on the others, and the next conditional
   * write folds it into the bucket (userLimiter.settle). Throws
   * PAYMENT_USER_LIMITED (nothing written) when over a limit, after re-reading
   * a cached copy once.
   */
  async spend(req: PaymentRequest, claimId: string): Promise<void> {
    const { uid } = req;
    const cached = this.cache.get(uid);
    let known = cached ?? (await this.read(uid));
    let fresh = !cached;
    for (let round = 0; ; round++) {
      const now = this.clock();
      const decision = admit(known.state, this.limits, claimId, now, now);
      if (!decision.ok) {
        if (fresh) throw new PaymentUserLimitedError(req.transactionId, decision.reason, decision.retryAfterMs);
        known = await this.read(uid); // a stale copy is re-read once before refusing
        fresh = true;
        continue;
      }
      const next = release(decision.next, claimId)!;
      if (round >= SPEND_ROUNDS) return this.spendBlind(uid, claimId, now);
      const written = await this.writeUser(uid, known, next);
      if (written) return this.remember(uid, next, written);
      known = await this.read(uid);
      fresh = true;
    }
  }

  /**
   * Answers a call whose payment already exists, after it spent from its
   * caller's limits: a replay of a final payment, or the refusal of another
   * user's id, other parameters or a call in progress (the claim rule decides,
   * as in the transaction). Null when the record may be claimed again (failed,
   * unknown, a dead call's): the transaction claims it and spends there.
   */
  async answerExisting(existing: PaymentRecord, req: PaymentRequest, claimId: string, leaseMs: number) {
    let answer: Claim | Error;
    try {
      const seen = claimStep(existing, req, claimId, this.clock(), leaseMs);
      if (seen.write.kind !== 'none') return null;
      // Our own create, whose answer was lost and retried: it spent with the create.
      if (seen.result.kind === 'claimed') return seen.result;
      answer = seen.result;
    } catch (err) {
      const refused =
        err instanceof PaymentForbiddenError ||
        err instanceof PaymentConflictError ||
        err instanceof PaymentInProgressError;
      if (!refused) throw err;
      answer = err;
    }
    await this.spend(req, claimId);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  /** One write of the user's limits preconditioned on `known`; its write time, or null when the copy was stale. */
  private writeUser(uid: string, known: Known, next: UserLimitState): Promise<Timestamp | null> {
    return this.runQuery(async (db) => {
      const batch = db.batch();
      const ref = this.docs.user(db, uid);
      if (known.version) batch.update(ref, userFields(known, next), precondition(known));
      else batch.create(ref, next);
      try {
        return (await batch.commit())[0]!.writeTime;
      } catch (err) {
        const status = grpcStatusOf(err);
        if (status === 'ALREADY_EXISTS' || status === 'FAILED_PRECONDITION' || status === 'NOT_FOUND') return null;
        throw err;
      }
    }, 'ledger.userSpend');
  }

  /** The spend as its own key, merged into the user's document (created if missing); this instance's copy is dropped. */
  private async spendBlind(uid: string, claimId: string, now: number): Promise<void> {
    this.cache.delete(uid);
    await this.runQuery(async (db) => {
      const batch = db.batch();
      batch.set(this.docs.user(db, uid), { spent: { [claimId]: now } }, { merge: true });
      await batch.commit();
    }, 'ledger.userSpendBlind');
  }

  private sawPayment(transactionId: string): void {
    if (this.existing.size >= REMEMBERED) this.existing.clear();
    this.existing.add(transactionId);
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
    if (!snap.exists) return null;
    this.sawPayment(transactionId);
    return snap.data() as PaymentRecord;
  }
}

/** The update of a user's limits to `next`: blind spends in the copy are folded into it, so they are cleared. */
function userFields(known: Known, next: UserLimitState): Partial<UserLimitState> {
  return known.state?.spent ? { ...next, spent: {} } : { ...next };
}

function precondition(known: Known): { lastUpdateTime: Timestamp } {
  return { lastUpdateTime: known.version! };
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
