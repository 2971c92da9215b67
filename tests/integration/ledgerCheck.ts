// Reconciles the provider's ledger (the simulator) against the Firestore ledger.
import { afterEach, beforeEach, expect } from 'vitest';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { adminDb } from './admin.js';
import { resetBreakers } from './breakers.js';
import type { Session } from './client.js';
import { ledger, setFaults } from './simulator.js';

/**
 * Every provider charge has a Firestore record with its charge id and status;
 * no record says succeeded/declined without a matching charge; no key was
 * charged twice. Records still `unknown`/`pending` may have a charge (that is
 * what those statuses mean) and are checked when they resolve. `prefix`
 * narrows the check to transactionIds that start with it, for a suite that may
 * run after others whose fixtures write records that stand for no charge.
 */
export async function expectLedgersAgree(prefix = ''): Promise<void> {
  const charges = (await ledger()).charges.filter((c) => c.transactionId.startsWith(prefix));
  const byTxn = new Map<string, (typeof charges)[number]>();
  for (const c of charges) {
    expect(byTxn.has(c.transactionId), `charged twice: ${c.transactionId}`).toBe(false);
    byTxn.set(c.transactionId, c);
  }
  const snap = await adminDb().collection('payments').get();
  const records = new Map(
    snap.docs.filter((d) => d.id.startsWith(prefix)).map((d) => [d.id, d.data() as PaymentRecord]),
  );
  for (const c of charges) {
    const r = records.get(c.transactionId);
    expect(r, `charge ${c.transactionId} has no ledger record`).toBeDefined();
    if (r!.status === 'unknown' || r!.status === 'pending') continue;
    expect({ txn: c.transactionId, status: r!.status, chargeId: r!.chargeId, amount: r!.amount }).toEqual({
      txn: c.transactionId,
      status: c.status,
      chargeId: c.id,
      amount: c.amount,
    });
  }
  for (const [id, r] of records) {
    if (r.status === 'succeeded' || r.status === 'declined') {
      expect(byTxn.get(id)?.id, `record ${id} says ${r.status} without a provider charge`).toBe(r.chargeId);
    }
    if (r.status === 'failed')
      expect(byTxn.has(id), `record ${id} says failed but the provider charged it`).toBe(false);
  }
}

/**
 * Hooks for a describe block of payment tests: each test starts with the
 * provider healthy and every breaker closed, and ends with faults off and the
 * two ledgers agreeing (for transactionIds starting with `prefix`: see expectLedgersAgree).
 */
export function eachTestFromACleanProvider(admin: () => Session, prefix = ''): void {
  beforeEach(async () => {
    await setFaults({ mode: 'none' });
    await resetBreakers(admin());
  });
  afterEach(async () => {
    await setFaults({ mode: 'none' });
    await expectLedgersAgree(prefix);
  });
}
