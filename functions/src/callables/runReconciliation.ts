import { z } from 'zod';
import type { ReconcileReport } from '../api.js';
import { Access, defineCallable } from './defineCallable.js';
import { parsePayload } from './validate.js';

/** Time a pass may take inside the callable's 60 s timeout (the rest is housekeeping and margin). */
const CALLABLE_BUDGET_MS = 45_000;

/**
 * `runReconciliation` (admins only, no payload) -> what one reconciliation
 * pass settled, now rather than at the next scheduled run.
 */
export const runReconciliation = defineCallable(
  'runReconciliation',
  Access.admin,
  (data, _caller, rt): Promise<ReconcileReport> => {
    parsePayload(z.strictObject({}), data);
    return rt.reconcile(CALLABLE_BUDGET_MS);
  },
);
