import { z } from 'zod';
import type { ReconcileReport } from '../api/index.js';
import { RUN_RECONCILIATION_BUDGET_MS } from '../config/index.js';
import { reconcileOnce } from '../app/reconcileOnce.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `runReconciliation` (admins only, no payload) -> what one reconciliation
 * pass settled, now rather than at the next scheduled run; one pass at a time
 * fleet-wide, scheduled passes included (app/reconcileOnce.ts: a call while
 * another pass runs gets `aborted` with that pass's runId).
 */
export const runReconciliation = defineCallable(
  'runReconciliation',
  Access.admin,
  (data, _caller, rt): Promise<ReconcileReport> => {
    parsePayload(z.strictObject({}), data);
    const deps = { lease: rt.reconcileLease, reconcile: rt.reconcile.bind(rt) };
    return reconcileOnce(deps, RUN_RECONCILIATION_BUDGET_MS);
  },
  { provider: true },
);
