/**
 * Request and response shapes of the callables and of the payment simulator's
 * control API. The callables' contract, its word lists and the transactionId
 * rule are defined once, in functions/src/api/, and re-exported here wholesale
 * under the same names. Those files import only zod (the request schemas, a
 * dependency of the SPA too) and other import-free type files, so bundling them
 * brings nothing else from functions/ into the SPA.
 * All timestamps are epoch milliseconds; a number nobody measured is null.
 */
export * from '../../../functions/src/api';

/** Fault modes and configuration of the payment simulator's control API (defined by the simulator itself). */
export { FAULT_MODES, type FaultConfig, type FaultMode } from '../../../devtools/payment-simulator/faults';
