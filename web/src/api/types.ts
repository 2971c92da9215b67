/**
 * Request and response shapes of the callables and of the payment simulator's
 * control API. The callables' contract is defined once, in functions/src/api.ts,
 * and re-exported here (type-only: nothing from functions/ reaches the bundle).
 * All timestamps are epoch milliseconds; a percentile is null when there were no samples.
 */
import type { DbPoolNumbers, InstanceIdentity, ShipperCounters } from '../../../functions/src/api';

export type {
  ConnectionPoolStats,
  DatabasePoolStatus,
  LatencyPercentiles,
  ProcessPaymentRequest,
  ProcessPaymentResult,
  ResetBreakersResult,
  ServiceStats,
} from '../../../functions/src/api';
/** Query pool counters of one instance or of the whole fleet. */
export type PoolNumbers = DbPoolNumbers;
/** One instance's query pool as last reported. */
export type InstancePoolNumbers = DbPoolNumbers & InstanceIdentity;
/** CloudWatch log shipping counters. */
export type ShipperStats = ShipperCounters;

/** Payment methods the payment form offers. */
export const PAYMENT_METHODS = {
  creditCard: 'credit_card',
  debitCard: 'debit_card',
  bankTransfer: 'bank_transfer',
  digitalWallet: 'digital_wallet',
} as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[keyof typeof PAYMENT_METHODS];

/** Final outcomes of a charge that the provider answered. */
export const PAYMENT_STATUS = { succeeded: 'succeeded', declined: 'declined' } as const;
export type PaymentStatus = (typeof PAYMENT_STATUS)[keyof typeof PAYMENT_STATUS];

/** Pool status word of `getDatabasePoolStatus`. */
export const POOL_STATUS = { healthy: 'healthy', saturated: 'saturated', degraded: 'degraded' } as const;
export type PoolStatus = (typeof POOL_STATUS)[keyof typeof POOL_STATUS];

/** Circuit breaker states. */
export const BREAKER_STATE = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type BreakerState = (typeof BREAKER_STATE)[keyof typeof BREAKER_STATE];

/** Fault modes and configuration of the payment simulator's control API (defined by the simulator itself). */
export { FAULT_MODES, type FaultConfig, type FaultMode } from '../../../devtools/payment-simulator/faults';
