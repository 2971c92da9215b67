import { config, SCHEDULE_TIMEOUT_SECONDS, sharedFunctionOptions } from '../config/index.js';
import { providerFunctionSecrets } from '../config/secrets.js';
import { reconcileOnSchedule } from '../app/reconcileOnce.js';
import type { Runtime } from '../app/runtime.js';
import { defineScheduled } from '../lifecycle/defineScheduled.js';

/** What one scheduled pass needs of the runtime. */
export type ReconcileScheduleRuntime = Pick<Runtime, 'cfg' | 'reconcileLease' | 'reconcile'>;

/**
 * One scheduled pass under the reconciliation lease (app/reconcileOnce.ts),
 * held at most for the function's timeout; skipped, without an error, while
 * another pass (an admin's runReconciliation or a late one of the schedule's) runs.
 */
export async function reconcileOnScheduleWork(rt: ReconcileScheduleRuntime): Promise<void> {
  const deps = { lease: rt.reconcileLease, reconcile: rt.reconcile.bind(rt) };
  await reconcileOnSchedule(deps, rt.cfg.RECONCILE_BUDGET_MS, SCHEDULE_TIMEOUT_SECONDS * 1000);
}

/**
 * Every 5 minutes: settles `unknown` and stale `pending` payments from the
 * provider's answer, so no payment stays undecided after its caller gave up.
 * The pass stops at RECONCILE_BUDGET_MS, inside the 300 s timeout (fixed, not
 * a setting: the 5-minute schedule means a longer pass would overlap the next).
 * It asks the provider, so it mounts PAYMENT_API_KEY.
 */
export const reconcilePayments = defineScheduled(
  {
    ...sharedFunctionOptions(config()),
    schedule: 'every 5 minutes',
    secrets: providerFunctionSecrets,
    timeoutSeconds: SCHEDULE_TIMEOUT_SECONDS,
  },
  reconcileOnScheduleWork,
);
