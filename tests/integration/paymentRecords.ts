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
