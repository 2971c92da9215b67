/**
 * Request and response shapes of the callables and of the payment simulator's
 * control API. The callables' contract, its word lists and the transactionId
 * rule are defined once, in functions/src/api.ts, and re-exported here under
 * the same names. That file is import-free, so bundling its few constants
 * brings nothing else from functions/ into the SPA.
 * All timestamps are epoch milliseconds; a number nobody measured is null.
 */
export {
  BreakerState,
  HealthState,
  IncidentKind,
  PaymentMethod,
  PaymentProviderName,
  PaymentStatus,
  PoolStatus,
  RejectionReason,
  TRANSACTION_ID_PATTERN,
  TRANSACTION_ID_RULE,
} from '../../../functions/src/api';
export type {
  BreakerView,
  ConnectionPoolStats,
  DatabasePoolStatus,
  DbPoolNumbers,
  HealthCheckDetail,
  HealthDeepReport,
  HealthReport,
  HealthView,
  HttpPoolNumbers,
  IncidentEvent,
  IncidentTimeline,
  InstanceIdentity,
  LatencyPercentiles,
  LedgerHealth,
  ProcessPaymentRequest,
  ProcessPaymentResult,
  ProviderConcurrency,
  ReconcileReport,
  RejectionCounts,
  ResetBreakersResult,
  ServiceStats,
  ShipperStats,
} from '../../../functions/src/api';

/** Fault modes and configuration of the payment simulator's control API (defined by the simulator itself). */
export { FAULT_MODES, type FaultConfig, type FaultMode } from '../../../devtools/payment-simulator/faults';
