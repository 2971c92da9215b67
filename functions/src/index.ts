/**
 * Cloud Functions entry point: exports only the deployed functions (the five
 * callables and the payment reconciliation schedule). Configuration is
 * parsed here, at cold start, so a malformed variable fails loudly by name.
 */
import { setGlobalOptions } from 'firebase-functions/v2';
import { config } from './config.js';

config();
setGlobalOptions({ maxInstances: 10 });

export { processPayment } from './callables/processPayment.js';
export { getDatabasePoolStatus } from './callables/getDatabasePoolStatus.js';
export { getConnectionPoolStats } from './callables/getConnectionPoolStats.js';
export { resetCircuitBreakers } from './callables/resetCircuitBreakers.js';
export { runReconciliation } from './callables/runReconciliation.js';
export { reconcilePayments } from './scheduled/reconcilePayments.js';
