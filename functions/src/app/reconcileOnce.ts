import { randomUUID } from 'node:crypto';
import type { ErrorCode, ReconcileReport } from '../api/index.js';
import { AppError } from '../resilience/appError.js';
import type { LeaseAcquire } from '../resilience/lease/lease.js';

/** The document holding runReconciliation's fleet-wide lease. */
export const RECONCILE_LEASE = 'ledgerStats/reconcileLease';

/** A pass is already running somewhere in the fleet: the caller gets its id instead of a second pass. */
export class ReconcileRunningError extends AppError<ErrorCode> {
  constructor(runId: string, retryAfterMs: number) {
    super(
      'RECONCILE_RUNNING',
      `A reconciliation pass (${runId}) is already running; its report follows in the ledger health.`,
      {
        details: { runId, retryAfterMs },
      },
    );
  }
}

/** What runReconciliation needs: the lease and one pass. */
export interface ReconcileOnceDeps {
  lease: { acquire(holder: string, ttlMs: number): Promise<LeaseAcquire>; release(holder: string): Promise<void> };
  reconcile(budgetMs: number): Promise<ReconcileReport>;
  now?: () => number;
}

/**
 * runReconciliation, single-flight across the fleet: takes the lease for
 * twice the pass's budget (a dead caller's lease ends on its own), runs one
 * pass and gives the lease back. While another pass holds it, refuses with
 * that pass's `runId` rather than starting a second one, so repeated admin
 * calls cannot pile passes (and provider lookups) on top of each other.
 */
export async function reconcileOnce(deps: ReconcileOnceDeps, budgetMs: number): Promise<ReconcileReport> {
  const runId = randomUUID();
  const now = deps.now ?? Date.now;
  const lease = await deps.lease.acquire(runId, 2 * budgetMs);
  if (!lease.acquired) throw new ReconcileRunningError(lease.holder, Math.max(0, lease.until - now()));
  try {
    return { ...(await deps.reconcile(budgetMs)), runId };
  } finally {
    await deps.lease.release(runId).catch(() => undefined);
  }
}
