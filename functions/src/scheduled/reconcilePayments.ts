import { config, SCHEDULE_TIMEOUT_SECONDS, sharedFunctionOptions } from '../config/index.js';
import { providerFunctionSecrets } from '../config/secrets.js';
import { defineScheduled } from '../lifecycle/defineScheduled.js';

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
  async (rt) => {
    await rt.reconcile(rt.cfg.RECONCILE_BUDGET_MS);
  },
);
