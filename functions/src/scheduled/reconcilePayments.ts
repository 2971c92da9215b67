import { onSchedule } from 'firebase-functions/v2/scheduler';
import { logEvent } from '../observability/logger.js';
import { reconcilePayments as reconcile } from '../payments/reconcile.js';
import { runtime } from '../runtime.js';
import { paymentApiKey } from '../secrets.js';
import { afterCall } from '../callables/defineCallable.js';

/**
 * Every 5 minutes: resolves `unknown` and stale `pending` payments from the
 * provider's ledger, so no payment stays undecided after its caller gave up.
 */
export const reconcilePayments = onSchedule(
  { schedule: 'every 5 minutes', secrets: [paymentApiKey], timeoutSeconds: 300 },
  async () => {
    const rt = runtime();
    rt.payments(); // registers the payment-service HTTP client
    const report = await reconcile({ runQuery: rt.runQuery, pool: rt.http });
    logEvent('payments.reconciled', { ...report }, report.stillUnknown > 0 ? 'WARNING' : 'INFO');
    await afterCall(rt);
  },
);
