import { onSchedule } from 'firebase-functions/v2/scheduler';
import { afterCall } from '../housekeeping.js';
import { runtime } from '../runtime.js';
import { paymentApiKey } from '../secrets.js';

/**
 * Every 5 minutes: settles `unknown` and stale `pending` payments from the
 * provider's answer, so no payment stays undecided after its caller gave up.
 * The pass stops at RECONCILE_BUDGET_MS, inside the 300 s timeout.
 */
export const reconcilePayments = onSchedule(
  { schedule: 'every 5 minutes', secrets: [paymentApiKey], timeoutSeconds: 300 },
  async () => {
    const rt = runtime();
    await rt.reconcile(rt.cfg.RECONCILE_BUDGET_MS);
    await afterCall(rt);
  },
);
