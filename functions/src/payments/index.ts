/** Payments: the handler, its two ports and their adapters. */
export { FirestoreLedger, PAYMENTS } from './ledger/firestoreLedger.js';
export { MemoryLedger } from './ledger/memoryLedger.js';
export type { PaymentLedger, PaymentRecord } from './ledger/paymentLedger.js';
export { PaymentHandler } from './paymentHandler.js';
export type { PaymentSettings } from './settingsFromConfig.js';
export type { PaymentEvent, PaymentEventSink, ReconcileEvent, ReconcileEventSink } from './paymentEvents.js';
export { PaymentPhase } from './paymentEvents.js';
export type { PaymentRequest } from './paymentRequest.js';
export { GenericProvider } from './provider/genericProvider.js';
export { PAYMENT_SERVICE, type PaymentProvider } from './provider/paymentProvider.js';
export { reconcilePayments, type ReconcileReport } from './reconcile.js';
