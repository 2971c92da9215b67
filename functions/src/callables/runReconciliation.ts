import { z } from 'zod';
import type { ReconcileReport } from '../api/index.js';
import { RUN_RECONCILIATION_BUDGET_MS } from '../config/index.js';
import { Access, defineCallable } from './defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `runReconciliation` (admins only, no payload) -> what one reconciliation
 * pass settled, now rather than at the next scheduled run.
 */
export const runReconciliation = defineCallable(
  'runReconciliation',
  Access.admin,
  (data, _caller, rt): Promise<ReconcileReport> => {
    parsePayload(z.strictObject({}), data);
    return rt.reconcile(RUN_RECONCILIATION_BUDGET_MS);
  },
);
