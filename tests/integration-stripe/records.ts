/** The ledger records the Stripe-mode suites read: fresh transactionIds, one record, and a wait for a status. */
import { expect, vi } from 'vitest';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { adminDb } from '../integration/admin.js';

/** A maker of unique transactionIds under a suite's prefix (e.g. `st`), tagged per test. */
export const txnIds =
  (prefix: string) =>
  (tag: string): string =>
    `${prefix}_${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;

/** The ledger record of `id`, read with the admin SDK; undefined when there is none. */
export const recordOf = async (id: string): Promise<PaymentRecord | undefined> =>
  (await adminDb().doc(`payments/${id}`).get()).data() as PaymentRecord | undefined;

/** Polls the ledger record until it has `status` (a webhook settles it shortly after the fake's transition). */
export async function recordBecomes(id: string, status: string, timeoutMs = 15_000): Promise<PaymentRecord> {
  return vi.waitFor(
    async () => {
      const record = await recordOf(id);
      expect(record?.status, `payments/${id}`).toBe(status);
      return record!;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}
