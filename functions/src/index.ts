/**
 * Cloud Functions entry point: exports only the deployed functions (the ten
 * callables, the payment reconciliation schedule, the `health` endpoint and,
 * with the Stripe provider, the `stripeWebhook` endpoint). Configuration is
 * parsed here, at cold start and at deploy discovery, so a malformed variable
 * fails loudly by name before any function is defined. Each function takes its
 * deploy options (region, memory, cpu, instances, timeout) from that config
 * itself (`sharedFunctionOptions`), not from setGlobalOptions: onCall reads
 * global options the moment it runs, so they would depend on import order.
 */
import type { HttpsFunction } from 'firebase-functions/v2/https';
import { config } from './config/index.js';

const cfg = config();

export { processPayment } from './callables/processPayment.js';
export { cancelPayment } from './callables/cancelPayment.js';
export { refundPayment } from './callables/refundPayment.js';
export { getPayment } from './callables/getPayment.js';
export { listPayments } from './callables/listPayments.js';
export { getDatabasePoolStatus } from './callables/getDatabasePoolStatus.js';
export { getConnectionPoolStats } from './callables/getConnectionPoolStats.js';
export { resetCircuitBreakers } from './callables/resetCircuitBreakers.js';
export { runReconciliation } from './callables/runReconciliation.js';
export { getIncidentTimeline } from './callables/getIncidentTimeline.js';
export { reconcilePayments } from './scheduled/reconcilePayments.js';
export { health } from './health/healthFunction.js';

/**
 * Stripe mode only: loading the module defines the STRIPE_WEBHOOK_SECRET
 * secret, which every deploy would otherwise have to provide.
 */
export const stripeWebhook: HttpsFunction | undefined =
  cfg.PAYMENT_PROVIDER === 'stripe'
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in Stripe mode, so other deploys need no Stripe secret
      (require('./webhooks/stripeWebhookFunction.js') as { stripeWebhook: HttpsFunction }).stripeWebhook
    : undefined;
