/**
 * Cloud Functions entry point: exports only the deployed functions (the five
 * callables and the payment reconciliation schedule). Configuration is
 * parsed here, at cold start and at deploy discovery, so a malformed variable
 * fails loudly by name before any function is defined. Each function takes its
 * deploy options (region, memory, cpu, instances, timeout) from that config
 * itself (`sharedFunctionOptions`), not from setGlobalOptions: onCall reads
 * global options the moment it runs, so they would depend on import order.
 */
import { config } from './config.js';

config();

export { processPayment } from './callables/processPayment.js';
export { getDatabasePoolStatus } from './callables/getDatabasePoolStatus.js';
export { getConnectionPoolStats } from './callables/getConnectionPoolStats.js';
export { resetCircuitBreakers } from './callables/resetCircuitBreakers.js';
export { runReconciliation } from './callables/runReconciliation.js';
export { reconcilePayments } from './scheduled/reconcilePayments.js';
