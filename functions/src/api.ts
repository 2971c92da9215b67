/**
 * The callables' public contract: request and response types, shared with the
 * admin SPA (web/src/api/types.ts re-exports them), so a change here is checked
 * on both sides. Type-only and import-free on purpose. Times are epoch ms; a
 * latency percentile is null when there were no samples.
 */

/** Payment methods `processPayment` accepts. */
export type PaymentMethod = 'credit_card' | 'debit_card' | 'bank_transfer' | 'digital_wallet';

/** Payload of `processPayment`. */
export interface ProcessPaymentRequest {
  /** Major units, e.g. 25.99; converted once, exactly, to minor units. */
  amount: number;
  paymentMethod: PaymentMethod;
  /** ISO 4217 code (any case); default USD. */
  currency?: string;
  /** Idempotency key, ^[A-Za-z0-9_-]{1,64}$; generated when absent. */
  transactionId?: string;
}

/** Answer of `processPayment`. */
export interface ProcessPaymentResult {
  transactionId: string;
  status: 'succeeded' | 'declined';
  chargeId: string;
  /** Major units, as sent. */
  amount: number;
  currency: string;
  /** Provider attempts recorded for this transactionId, over every call. */
  attempts: number;
  /** True when the recorded result came back without a new charge. */
  replayed: boolean;
  /** Present on declines only. */
  declineCode?: string;
}

/** Latency percentiles in milliseconds. */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Query pool numbers (HikariCP words) of one instance or of the fleet. */
export interface DbPoolNumbers {
  /** Most queries allowed at once (VUE_APP_MAX_CONNECTIONS per instance). */
  max: number;
  /** Slots held now (timed-out queries keep theirs until they settle). */
  active: number;
  /** Free slots now: max - active. */
  idle: number;
  /** Callers waiting for a slot now. */
  pending: number;
  /** Slots handed out so far (one per attempt). */
  acquired: number;
  /** Callers that waited VUE_APP_CONNECTION_TIMEOUT and got "database pool exhausted". */
  acquireTimeouts: number;
  /** Attempts that passed VUE_APP_DATABASE_TIMEOUT. */
  queryTimeouts: number;
  /** Extra attempts after transient errors. */
  retries: number;
  /** Queries that finally failed with a database error. */
  errors: number;
  /** Timed-out attempts whose slot was held until they settled. */
  abandoned: number;
  acquireWaitMs: { p50: number | null; p99: number | null };
  queryMs: LatencyPercentiles;
}

/** The status word: degraded (timeouts/errors last interval) > saturated (waits or >= 90 % busy) > healthy. */
export type DbPoolStatusWord = 'healthy' | 'saturated' | 'degraded';

/** Who reported a per-instance entry, and when. */
export interface InstanceIdentity {
  instanceId: string;
  /** The function (service) the instance runs. */
  function: string;
  updatedAt: number;
}

/** Answer of `getDatabasePoolStatus`. */
export interface DatabasePoolStatus {
  status: DbPoolStatusWord;
  at: number;
  fleet: DbPoolNumbers;
  instances: (DbPoolNumbers & InstanceIdentity)[];
}

/** Breaker state of a service, fleet-wide. */
export interface BreakerView {
  state: 'closed' | 'open' | 'half-open';
  /** Failure rate (0..1) of the window that last opened the breaker; 0 after close/reset. */
  failureRate: number;
  /** Calls in that window. */
  calls: number;
  /** When the breaker last opened; null while closed. */
  openedAt: number | null;
  /** From when a probe may run; null while closed. */
  nextProbeAt: number | null;
}

/** HTTP keep-alive pool numbers of one service (undici words). */
export interface HttpPoolNumbers {
  maxSockets: number;
  /** Sockets serving a request now. */
  activeSockets: number;
  /** Kept-alive idle sockets now. */
  freeSockets: number;
  /** Requests waiting for a socket now. */
  queued: number;
  socketsCreated: number;
  socketsClosed: number;
  socketErrors: number;
  requests: number;
  /** Requests that passed their wall-clock deadline. */
  timeouts: number;
  /** Transport errors, 5xx and 429 answers. */
  failures: number;
}

/** Last health check of a service; null until one ran. */
export type HealthView = { ok: boolean; checkedAt: number; latencyMs: number | null; error?: string } | null;

/** One downstream service as one instance sees it, or summed over the fleet. */
export interface ServiceStats {
  breaker: BreakerView;
  pool: HttpPoolNumbers;
  latencyMs: LatencyPercentiles;
  health: HealthView;
}

/** CloudWatch shipper counters. */
export interface ShipperCounters {
  enabled: boolean;
  /** Events waiting to be sent. */
  buffered: number;
  sent: number;
  /** Events CloudWatch refused (dropped, never retried). */
  failed: number;
  /** Events discarded because the buffer was full (oldest first). */
  dropped: number;
  lastError: { code: string; message: string; at: number } | null;
  lastSuccessAt: number | null;
}

/** Answer of `getConnectionPoolStats`. */
export interface ConnectionPoolStats {
  at: number;
  services: Record<string, ServiceStats>;
  instances: (InstanceIdentity & { services: Record<string, ServiceStats>; cloudwatch: ShipperCounters | null })[];
  /** Fleet total; null when no instance ships to CloudWatch. */
  cloudwatch: ShipperCounters | null;
}

/** Answer of `resetCircuitBreakers`. */
export interface ResetBreakersResult {
  reset: string[];
  at: number;
}
