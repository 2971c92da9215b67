import { onSchedule } from 'firebase-functions/v2/scheduler';
import { afterCall } from '../housekeeping.js';
import { logEvent } from '../observability/logger.js';
import { reconcilePayments as reconcile } from '../payments/reconcile.js';
import { runtime } from '../runtime.js';
import { paymentApiKey } from '../secrets.js';

/**
 * Every 5 minutes: resolves `unknown` and stale `pending` payments from the
 * provider's answer, so no payment stays undecided after its caller gave up.
 */
export const reconcilePayments = onSchedule(
  { schedule: 'every 5 minutes', secrets: [paymentApiKey], timeoutSeconds: 300 },
  async () => {
    const rt = runtime();
    const report = await reconcile({ ledger: rt.ledger, provider: rt.provider() });
    logEvent('payments.reconciled', { ...report }, report.stillUnknown > 0 ? 'WARNING' : 'INFO');
    await afterCall(rt);
  },
);
