import { FieldPath, FieldValue, type Timestamp } from 'firebase-admin/firestore';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { grpcStatusOf } from '../../resilience/query/queryPoolErrors.js';
import { release } from '../limits/userLimiter.js';
import type { ClaimDocs, OptimisticClaims } from './optimisticClaim.js';
import type { PaymentRecord } from './paymentLedger.js';
import type { PaymentHistoryEvent } from '../../api/index.js';
import { appendEvents } from '../history/historyStore.js';

/** What the one-write outcome needs of FirestoreLedger. */
export interface OutcomeWriteDeps {
  runQuery: RunQuery;
  docs: ClaimDocs;
  /** Present when the ledger has per-user limits: the call's in-flight slot is freed in the same batch. */
  optimistic: OptimisticClaims | undefined;
}

/**
 * Writes a call's outcome (`fields`) as one batched write preconditioned on
 * the payment record's update time as claimed (`version`); with per-user
 * limits the same batch frees the call's in-flight slot of `uid`'s limits
 * (conditional on the instance's copy when it has one, so the copy stays
 * exact). `events`: the history events of the outcome, in the same batch. False when the record changed since it was claimed: the caller
 * falls back to the transaction.
 */
export function writeOutcomeFast(
  deps: OutcomeWriteDeps,
  transactionId: string,
  claimId: string,
  fields: Partial<PaymentRecord>,
  version: Timestamp,
  uid: string,
  events?: readonly PaymentHistoryEvent[],
): Promise<boolean> {
  const { docs, optimistic } = deps;
  return deps.runQuery(async (db) => {
    try {
      if (optimistic) {
        // One batch: the outcome, and the call's in-flight slot freed (as the cached state, when warm).
        const cached = optimistic.cached(uid);
        const batch = db.batch();
        batch.update(docs.payment(db, transactionId), fields, { lastUpdateTime: version });
        appendEvents(batch, docs.payment(db, transactionId), events);
        const userVersion = cached?.version;
        const released = userVersion ? release(cached.state, claimId) : undefined;
        if (userVersion && released) {
          batch.update(docs.user(db, uid), { ...released }, { lastUpdateTime: userVersion });
        } else {
          batch.update(docs.user(db, uid), new FieldPath('inFlight', claimId), FieldValue.delete());
        }
        const results = await batch.commit().catch(async (err: unknown) => {
          if (!released || grpcStatusOf(err) !== 'FAILED_PRECONDITION') throw err;
          // The user's limits changed meanwhile (another call of the same user): free the slot without
          // the precondition instead of queueing on a transaction; the payment's own precondition stays.
          optimistic.forget(uid);
          const retry = db.batch();
          retry.update(docs.payment(db, transactionId), fields, { lastUpdateTime: version });
          appendEvents(retry, docs.payment(db, transactionId), events);
          retry.update(docs.user(db, uid), new FieldPath('inFlight', claimId), FieldValue.delete());
          await retry.commit();
          return null;
        });
        if (released && results) optimistic.remember(uid, released, results[1]!.writeTime);
        else optimistic.forget(uid);
        return true;
      }
      const batch = db.batch().update(docs.payment(db, transactionId), fields, { lastUpdateTime: version });
      appendEvents(batch, docs.payment(db, transactionId), events);
      await batch.commit();
      return true;
    } catch (err) {
      if (grpcStatusOf(err) === 'FAILED_PRECONDITION') return false;
      throw err;
    }
  }, 'payments.finalizeFast');
}
