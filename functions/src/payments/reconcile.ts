import { PaymentStatus } from '../api.js';
import type { PaymentLedger } from './ledger/paymentLedger.js';
import type { PaymentProvider } from './provider/paymentProvider.js';

/** What one reconciliation pass did. */
export interface ReconcileReport {
  /** Records looked at (`unknown`, or `pending` with an expired lease). */
  examined: number;
  /** Resolved to succeeded/declined from the provider's answer. */
  charged: number;
  /** Resolved to failed: the provider never saw the payment. */
  notCharged: number;
  /** Still unknown: the provider could not answer. */
  stillUnknown: number;
  /** Skipped because a live call holds them. */
  skipped: number;
}

const LOOKUP_TIMEOUT_MS = 3000;

/**
 * Resolves `unknown` and stale `pending` payments from the provider's answer to
 * a lookup. Each record is claimed first (so a live call and this routine never
 * both write it). Run by the `reconcilePayments` schedule, and directly by
 * tests and operators.
 */
export async function reconcilePayments(deps: {
  ledger: PaymentLedger;
  provider: PaymentProvider;
  limit?: number;
}): Promise<ReconcileReport> {
  const { ledger, provider } = deps;
  const report: ReconcileReport = { examined: 0, charged: 0, notCharged: 0, stillUnknown: 0, skipped: 0 };
  for (const { transactionId } of await ledger.scanUnresolved(deps.limit ?? 200)) {
    const claim = await ledger.claimForResolution(transactionId, LOOKUP_TIMEOUT_MS + 5000);
    if (!claim) {
      report.skipped++;
      continue;
    }
    report.examined++;
    const { record, claimId } = claim;
    const req = {
      transactionId,
      uid: record.uid,
      amount: record.amount,
      currency: record.currency,
      paymentMethod: record.paymentMethod,
    };
    const look = await provider.lookup(record.providerRef ?? transactionId, req, LOOKUP_TIMEOUT_MS);
    const attempts = record.attempts;
    if (look.kind === 'found') {
      const c = look.charge;
      await ledger.finalize(transactionId, claimId, {
        status: c.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined,
        attempts,
        chargeId: c.chargeId,
        ...(c.kind === 'declined' ? { declineCode: c.declineCode } : {}),
      });
      report.charged++;
    } else if (look.kind === 'not-found') {
      await ledger.finalize(transactionId, claimId, {
        status: PaymentStatus.failed,
        attempts,
        error: { code: 'NOT_CHARGED', message: 'the provider never saw this transaction' },
      });
      report.notCharged++;
    } else {
      await ledger.finalize(transactionId, claimId, {
        status: PaymentStatus.unknown,
        attempts,
        error: { code: 'LOOKUP_UNAVAILABLE', message: look.reason },
      });
      report.stillUnknown++;
    }
  }
  return report;
}
