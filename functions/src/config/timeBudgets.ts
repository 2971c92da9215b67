/**
 * Time budgets the code and the configuration checks share: fixed parts of a
 * call's worst case that are not settings themselves (configChecks.ts adds
 * them to the configured timeouts).
 */

/** Longest provider lookup after an attempt left a payment's outcome open (ms). */
export const PAYMENT_LOOKUP_MS = 3000;
/** Time one runReconciliation pass may take inside the callable timeout (ms). */
export const RUN_RECONCILIATION_BUDGET_MS = 45_000;
/** Timeout of the scheduled reconciliation; RECONCILE_BUDGET_MS must leave a tenth of it for the rest. */
export const SCHEDULE_TIMEOUT_SECONDS = 300;
/**
 * Longest wait for one Eventarc publish (events/eventPublisher.ts) before the
 * call answers without it (logged and counted): a slow Eventarc delays an
 * answer by at most this much (ms).
 */
export const EVENTARC_PUBLISH_MS = 1000;
