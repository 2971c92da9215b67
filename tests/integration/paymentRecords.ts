/** Payment records the emulator suites write directly, as the ledger stores them: the state a call left behind. */
import { requestHash, type PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { shardOf } from '../../functions/src/payments/ledger/paymentShards.js';
import { adminDb } from './admin.js';

/**
 * Writes payments/{id} with the admin SDK, index shard included (paymentShards.ts): `amount` minor units USD by
 * credit card for `uid`, status unknown after one attempt opened at `at`, no claim, last written at `at`, as a
 * call that lost its answer leaves it; `over` replaces any of those fields.
 */
export async function writeUnsettledRecord(
  id: string,
  uid: string,
  amount: number,
  at: number,
  over: Partial<PaymentRecord> = {},
): Promise<void> {
  const base = { amount, currency: 'USD', paymentMethod: 'credit_card' as const };
  await adminDb()
    .doc(`payments/${id}`)
    .set({
      uid,
      ...base,
      status: 'unknown',
      attempts: 1,
      requestHash: requestHash(base),
      claimId: null,
      leaseUntil: null,
      openAttemptAt: at,
      createdAt: at,
      updatedAt: at,
      shard: shardOf(id),
      ...over,
    });
}

/**
 * Writes payments/{id} with the admin SDK as a happy payment leaves it: 100.00 USD by credit card for `uid`,
 * succeeded on its first attempt with charge `ch_<id>`, no claim, index shard included. Resolves `id`.
 */
export async function writeSucceededRecord(id: string, uid: string): Promise<string> {
  const base = { amount: 10_000, currency: 'USD', paymentMethod: 'credit_card' as const };
  const now = Date.now();
  const record: PaymentRecord = {
    uid,
    ...base,
    status: 'succeeded',
    attempts: 1,
    chargeId: `ch_${id}`,
    requestHash: requestHash(base),
    claimId: null,
    leaseUntil: null,
    createdAt: now,
    updatedAt: now,
  };
  await adminDb()
    .doc(`payments/${id}`)
    .set({ ...record, shard: shardOf(id) });
  return id;
}
