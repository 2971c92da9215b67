import { z } from 'zod';
import type { ReconcileReport } from '../api/index.js';
import { RUN_RECONCILIATION_BUDGET_MS } from '../config/index.js';
import { RECONCILE_LEASE, reconcileOnce } from '../app/reconcileOnce.js';
import { FirestoreLease } from '../resilience/lease/lease.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `runReconciliation` (admins only, no payload) -> what one reconciliation
 * pass settled, now rather than at the next scheduled run; one pass at a time
 * fleet-wide (app/reconcileOnce.ts: a second call gets `aborted` with the running pass's runId).
 */
export const runReconciliation = defineCallable(
  'runReconciliation',
  Access.admin,
  (data, _caller, rt): Promise<ReconcileReport> => {
    parsePayload(z.strictObject({}), data);
    const lease = new FirestoreLease(rt.runQuery, RECONCILE_LEASE);
    return reconcileOnce({ lease, reconcile: (budgetMs) => rt.reconcile(budgetMs) }, RUN_RECONCILIATION_BUDGET_MS);
  },
  { provider: true },
);
