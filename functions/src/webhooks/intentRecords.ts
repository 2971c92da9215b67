/**
 * Which ledger record holds a Stripe PaymentIntent (its `providerRef`): the
 * webhook's way from a refund that names no transactionId (made in the
 * Dashboard: no metadata of ours) to the payment it refunds. A small port, so
 * the webhook's decisions unit-test with memory; in Firestore one equality
 * query on `payments.providerRef` (Firestore's automatic single-field index),
 * asked only for refunds whose metadata names no record holding their PaymentIntent.
 */
import { PAYMENTS } from '../payments/ledger/firestoreLedger.js';
import type { RunQuery } from '../resilience/query/runQuery.js';

/** Finds the record of a PaymentIntent. */
export interface IntentRecords {
  /** The transactionId of the record holding `paymentIntentId`; null when none does. */
  transactionOf(paymentIntentId: string): Promise<string | null>;
}

/** In memory, for tests: `hold` says which record holds which PaymentIntent. */
export class MemoryIntentRecords implements IntentRecords {
  private readonly byIntent = new Map<string, string>();

  /** The record `transactionId` holds `paymentIntentId`. */
  hold(paymentIntentId: string, transactionId: string): void {
    this.byIntent.set(paymentIntentId, transactionId);
  }

  transactionOf(paymentIntentId: string): Promise<string | null> {
    return Promise.resolve(this.byIntent.get(paymentIntentId) ?? null);
  }
}

/** In Firestore through the query pool. */
export class FirestoreIntentRecords implements IntentRecords {
  constructor(private readonly runQuery: RunQuery) {}

  async transactionOf(paymentIntentId: string): Promise<string | null> {
    const snap = await this.runQuery(
      (db) => db.collection(PAYMENTS).where('providerRef', '==', paymentIntentId).select().limit(2).get(),
      'payments.byProviderRef',
      { readOnly: true, idempotent: true },
    );
    // One PaymentIntent is one payment's: two records holding it is no link to trust.
    return snap.size === 1 ? snap.docs[0]!.id : null;
  }
}
