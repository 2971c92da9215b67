import { onSchedule } from 'firebase-functions/v2/scheduler';
import { config, SCHEDULE_TIMEOUT_SECONDS, sharedFunctionOptions } from '../config/index.js';
import { afterCall } from '../app/housekeeping.js';
import { runtime } from '../app/runtime.js';
import { functionSecrets } from '../config/secrets.js';

/**
 * Every 5 minutes: settles `unknown` and stale `pending` payments from the
 * provider's answer, so no payment stays undecided after its caller gave up.
 * The pass stops at RECONCILE_BUDGET_MS, inside the 300 s timeout (fixed, not
 * a setting: the 5-minute schedule means a longer pass would overlap the next).
 */
export const reconcilePayments = onSchedule(
  {
    ...sharedFunctionOptions(config()),
    schedule: 'every 5 minutes',
    secrets: functionSecrets,
    timeoutSeconds: SCHEDULE_TIMEOUT_SECONDS,
  },
  async () => {
    const rt = runtime();
    await rt.reconcile(rt.cfg.RECONCILE_BUDGET_MS);
    await afterCall(rt);
  },
);
