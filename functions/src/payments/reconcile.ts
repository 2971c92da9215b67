import type { HttpPoolManager } from '../resilience/http/httpPool.js';
import { claimForResolution, finalizePayment, PAYMENTS, PaymentStatus, type RunQuery } from './ledger.js';
import { lookupCharge } from './providerClient.js';

/** What one reconciliation pass did. */
export interface ReconcileReport {
  /** Records looked at (`unknown`, or `pending` with an expired lease). */
  examined: number;
  /** Resolved to succeeded/declined from the provider's answer. */
  charged: number;
  /** Resolved to failed: the provider never saw the key. */
  notCharged: number;
  /** Still unknown: the provider could not answer. */
  stillUnknown: number;
  /** Skipped because a live call holds them. */
  skipped: number;
}

const LOOKUP_TIMEOUT_MS = 3000;

/**
 * Resolves `unknown` and stale `pending` payments from the provider's answer to
 * `GET /charge/<id>`. Each record is claimed first (so a live call and this
 * routine never both write it). Run by the `reconcilePayments` schedule and
 * callable directly (tests, operators).
 */
export async function reconcilePayments(deps: {
  runQuery: RunQuery;
  pool: HttpPoolManager;
  now?: () => number;
  limit?: number;
}): Promise<ReconcileReport> {
  const now = deps.now ?? Date.now;
  const report: ReconcileReport = { examined: 0, charged: 0, notCharged: 0, stillUnknown: 0, skipped: 0 };
  const snap = await deps.runQuery(
    (db) =>
      db
        .collection(PAYMENTS)
        .where('status', 'in', [PaymentStatus.unknown, PaymentStatus.pending])
        .limit(deps.limit ?? 200)
        .get(),
    'payments.reconcileScan',
    { readOnly: true },
  );
  for (const doc of snap.docs) {
    const claim = await claimForResolution(deps.runQuery, doc.id, LOOKUP_TIMEOUT_MS + 5000, now);
    if (!claim) {
      report.skipped++;
      continue;
    }
    report.examined++;
    const look = await lookupCharge(deps.pool, doc.id, LOOKUP_TIMEOUT_MS);
    const attempts = claim.record.attempts;
    if (look.kind === 'found') {
      const c = look.charge;
      await finalizePayment(
        deps.runQuery,
        doc.id,
        claim.claimId,
        {
          status: c.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined,
          attempts,
          chargeId: c.chargeId,
          ...(c.kind === 'declined' ? { declineCode: c.declineCode } : {}),
        },
        now,
      );
      report.charged++;
    } else if (look.kind === 'not-found') {
      await finalizePayment(
        deps.runQuery,
        doc.id,
        claim.claimId,
        {
          status: PaymentStatus.failed,
          attempts,
          error: { code: 'NOT_CHARGED', message: 'the provider never saw this transaction' },
        },
        now,
      );
      report.notCharged++;
    } else {
      await finalizePayment(
        deps.runQuery,
        doc.id,
        claim.claimId,
        { status: PaymentStatus.unknown, attempts, error: { code: 'LOOKUP_UNAVAILABLE', message: look.reason } },
        now,
      );
      report.stillUnknown++;
    }
  }
  return report;
}
