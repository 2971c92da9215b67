import { randomUUID } from 'node:crypto';
import type { ErrorCode, ReconcileReport } from '../api/index.js';
import { logEvent } from '../observability/logs/logger.js';
import { AppError } from '../resilience/appError.js';
import type { Lease } from '../resilience/lease/lease.js';

/** The document holding the reconciliation lease every pass takes (scheduled and runReconciliation). */
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

/** What a pass under the lease needs: the lease and one pass, told its runId (for its log line). */
export interface ReconcileOnceDeps {
  lease: Lease;
  reconcile(budgetMs: number, runId: string): Promise<ReconcileReport>;
  now?: () => number;
}

/** A pass under the lease: its report (with its runId), or the running pass's id and when its lease ends. */
export type LeasedPass = { ran: true; report: ReconcileReport } | { ran: false; runId: string; retryAfterMs: number };

/**
 * One pass, single-flight across the fleet: takes the lease for `leaseMs`
 * (at least the holder's longest life, so a dead holder's lease ends on its
 * own), runs the pass and gives the lease back. While another pass holds it,
 * no pass runs and the answer names that pass, so passes (and their provider
 * lookups) never pile on top of each other, nor overwrite each other's report.
 */
export async function leasedPass(deps: ReconcileOnceDeps, budgetMs: number, leaseMs: number): Promise<LeasedPass> {
  const runId = randomUUID();
  const now = deps.now ?? Date.now;
  const lease = await deps.lease.acquire(runId, leaseMs);
  if (!lease.acquired) return { ran: false, runId: lease.holder, retryAfterMs: Math.max(0, lease.until - now()) };
  try {
    return { ran: true, report: { ...(await deps.reconcile(budgetMs, runId)), runId } };
  } finally {
    await deps.lease.release(runId).catch(() => undefined);
  }
}

/**
 * runReconciliation's pass: the lease for twice the pass's budget; while
 * another pass (an admin's or the schedule's) holds it, refuses with that
 * pass's `runId` rather than starting a second one.
 */
export async function reconcileOnce(deps: ReconcileOnceDeps, budgetMs: number): Promise<ReconcileReport> {
  const pass = await leasedPass(deps, budgetMs, 2 * budgetMs);
  if (!pass.ran) throw new ReconcileRunningError(pass.runId, pass.retryAfterMs);
  return pass.report;
}

/**
 * The scheduled pass: the lease for `leaseMs` (the function's timeout: the
 * platform ends the holder by then). While another pass holds it, skips with
 * an INFO line naming that pass and no error, so the scheduler retries
 * nothing: the next tick comes in 5 minutes, and the running pass does the work.
 */
export async function reconcileOnSchedule(
  deps: ReconcileOnceDeps,
  budgetMs: number,
  leaseMs: number,
): Promise<LeasedPass> {
  const pass = await leasedPass(deps, budgetMs, leaseMs);
  if (!pass.ran) {
    logEvent('payments.reconcile_skipped', { runningRunId: pass.runId, retryAfterMs: pass.retryAfterMs }, 'INFO');
  }
  return pass;
}
