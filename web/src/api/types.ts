/**
 * Request and response shapes of the callables and of the payment simulator's
 * control API, exactly as the backend contracts define them. All timestamps are
 * epoch milliseconds; a percentile is null when there were no samples.
 */

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

/** Payload of `processPayment`. */
export type ProcessPaymentRequest = {
  /** Major units, e.g. 25.99. */
  amount: number;
  paymentMethod: PaymentMethod;
  /** ISO 4217 code; the backend defaults to USD. */
  currency?: string;
  /** Idempotency key; the backend generates one when absent. */
  transactionId?: string;
};

/** Result of `processPayment`. */
export type ProcessPaymentResult = {
  transactionId: string;
  status: PaymentStatus;
  chargeId: string;
  amount: number;
  currency: string;
  /** Provider calls made, retries included. */
  attempts: number;
  /** True when the transaction id had already been processed and the stored result came back. */
  replayed: boolean;
  /** Present on declines only. */
  declineCode?: string;
};

/** Pool status word of `getDatabasePoolStatus`. */
export const POOL_STATUS = { healthy: 'healthy', saturated: 'saturated', degraded: 'degraded' } as const;
export type PoolStatus = (typeof POOL_STATUS)[keyof typeof POOL_STATUS];

/** Query pool counters of one instance or of the whole fleet. */
export type PoolNumbers = {
  max: number;
  active: number;
  idle: number;
  pending: number;
  acquired: number;
  acquireTimeouts: number;
  queryTimeouts: number;
  retries: number;
  errors: number;
  abandoned: number;
  acquireWaitMs: { p50: number | null; p99: number | null };
  queryMs: { p50: number | null; p95: number | null; p99: number | null };
};

/** One instance's query pool as last reported. */
export type InstancePoolNumbers = PoolNumbers & { instanceId: string; function: string; updatedAt: number };

/** Result of `getDatabasePoolStatus`. */
export type DatabasePoolStatus = {
  status: PoolStatus;
  at: number;
  fleet: PoolNumbers;
  instances: InstancePoolNumbers[];
};

/** Circuit breaker states. */
export const BREAKER_STATE = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type BreakerState = (typeof BREAKER_STATE)[keyof typeof BREAKER_STATE];

/** Latency percentiles in milliseconds. */
export type LatencyPercentiles = { p50: number | null; p95: number | null; p99: number | null };

/** Breaker, HTTP pool, latency and health of one downstream service. */
export type ServiceStats = {
  breaker: {
    state: BreakerState;
    /** 0..1 over the breaker's window. */
    failureRate: number;
    calls: number;
    openedAt: number | null;
    nextProbeAt: number | null;
  };
  pool: {
    maxSockets: number;
    activeSockets: number;
    freeSockets: number;
    queued: number;
    socketsCreated: number;
    socketsClosed: number;
    socketErrors: number;
    requests: number;
    timeouts: number;
    failures: number;
  };
  latencyMs: LatencyPercentiles;
  /** Null until a health check has run. */
  health: { ok: boolean; checkedAt: number; latencyMs: number | null; error?: string } | null;
};

/** CloudWatch log shipping counters. */
export type ShipperStats = {
  enabled: boolean;
  buffered: number;
  sent: number;
  failed: number;
  dropped: number;
  lastError: { code: string; message: string; at: number } | null;
  lastSuccessAt: number | null;
};

/** Result of `getConnectionPoolStats`. */
export type ConnectionPoolStats = {
  at: number;
  services: Record<string, ServiceStats>;
  instances: {
    instanceId: string;
    function: string;
    updatedAt: number;
    services: Record<string, ServiceStats>;
    cloudwatch?: ShipperStats;
  }[];
  cloudwatch?: ShipperStats;
};

/** Result of `resetCircuitBreakers`. */
export type ResetBreakersResult = { reset: string[]; at: number };

/** Fault modes of the payment simulator. */
export const FAULT_MODES = {
  none: 'none',
  latency: 'latency',
  errors: 'errors',
  outage: 'outage',
  rateLimit: 'rate-limit',
  reset: 'reset',
  hang: 'hang',
  commitThenTimeout: 'commit-then-timeout',
} as const;
export type FaultMode = (typeof FAULT_MODES)[keyof typeof FAULT_MODES];

/** Body of `PUT /__control/faults` (and answer of GET); absent fields use the simulator's defaults. */
export type FaultConfig = {
  mode: FaultMode;
  latencyMs?: number;
  /** 0..1, mode errors. */
  errorRate?: number;
  retryAfterSec?: number;
  commitDelayMs?: number;
};
