/**
 * The callables' public contract: request and response shapes and the word
 * lists they use, shared with the admin SPA (web/src/api/types.ts re-exports
 * them), so a change here is checked on both sides. Import-free on purpose:
 * the SPA bundles this file. Each shape is defined once, here, and used under
 * this name everywhere. Times are epoch ms; a number nobody measured is null.
 */

/** Payment methods `processPayment` accepts. */
export const PaymentMethod = {
  creditCard: 'credit_card',
  debitCard: 'debit_card',
  bankTransfer: 'bank_transfer',
  digitalWallet: 'digital_wallet',
} as const;
export type PaymentMethod = (typeof PaymentMethod)[keyof typeof PaymentMethod];

/**
 * Ledger statuses: `failed` means certainly not charged, `unknown` maybe charged
 * (resolved later). `requires_action` (the customer must finish, e.g. 3-D
 * Secure) and `processing` are accepted by the provider and settled later by a
 * webhook, a repeat call or reconciliation. Only succeeded and declined are final.
 */
export const PaymentStatus = {
  pending: 'pending',
  succeeded: 'succeeded',
  declined: 'declined',
  requiresAction: 'requires_action',
  processing: 'processing',
  failed: 'failed',
  unknown: 'unknown',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

/** What a transactionId may look like: it is the idempotency key sent to the provider. */
export const TRANSACTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The rule of {@link TRANSACTION_ID_PATTERN} in words. */
export const TRANSACTION_ID_RULE = '1-64 letters, digits, "_" or "-"';

/** Payload of `processPayment`. */
export interface ProcessPaymentRequest {
  /** Major units, e.g. 25.99; converted once, exactly, to minor units. */
  amount: number;
  paymentMethod: PaymentMethod;
  /** ISO 4217 code (any case); default USD. */
  currency?: string;
  /** Idempotency key ({@link TRANSACTION_ID_PATTERN}); generated when absent, but callers should send one so a lost answer can be retried. */
  transactionId?: string;
  /** Stripe provider only, and required there: the Stripe PaymentMethod (`pm_...`, made with Stripe.js). Refused with the generic provider. */
  paymentMethodId?: string;
}

/** Answer of `processPayment`. */
export interface ProcessPaymentResult {
  transactionId: string;
  /** Final (succeeded, declined), or accepted and waiting at the provider (requires_action, processing). */
  status:
    | typeof PaymentStatus.succeeded
    | typeof PaymentStatus.declined
    | typeof PaymentStatus.requiresAction
    | typeof PaymentStatus.processing;
  /** The provider's charge id; empty while the payment is waiting. */
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
  /** With `requires_action`: what the client passes to Stripe.js to finish the payment. Never logged. */
  clientSecret?: string;
}

/**
 * Why a call was refused before any work was done: its App Check token was
 * missing, invalid or already used (every callable), or its user was over a
 * per-user limit (`processPayment`). Also `details.reason` of those errors.
 */
export const RejectionReason = {
  appCheckMissing: 'app-check-missing',
  appCheckInvalid: 'app-check-invalid',
  appCheckReplayed: 'app-check-replayed',
  userRate: 'user-rate',
  userInFlight: 'user-in-flight',
} as const;
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];
/** Refused calls by reason: per instance since it started; fleet-wide, summed over live instances. */
export type RejectionCounts = Record<RejectionReason, number>;

/** Latency percentiles in milliseconds. */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Query pool numbers (HikariCP words) of one instance or of the fleet. Counters
 * are cumulative since the pool was created; gauges are "now".
 */
export interface DbPoolNumbers {
  /** Most queries allowed to run at once (HikariCP maximumPoolSize; VUE_APP_MAX_CONNECTIONS per instance). */
  max: number;
  /** Slots held right now, including slots still held by timed-out (abandoned) queries. */
  active: number;
  /** Free slots right now: `max - active`. */
  idle: number;
  /** Callers waiting for a slot right now (HikariCP pendingThreads). */
  pending: number;
  /** Slots handed out so far; one per attempt, so a retried query counts once per attempt. */
  acquired: number;
  /** Callers that gave up after waiting VUE_APP_CONNECTION_TIMEOUT for a slot ("database pool exhausted"). */
  acquireTimeouts: number;
  /** Attempts that passed their deadline (VUE_APP_DATABASE_TIMEOUT). */
  queryTimeouts: number;
  /** Extra attempts made after a transient error (attempts beyond the first). */
  retries: number;
  /**
   * Queries that finally failed with a database error. Excludes acquire/query
   * timeouts (counted above) and business outcomes thrown inside a transaction.
   */
  errors: number;
  /** Attempts the caller stopped waiting for at their deadline; each kept its slot until it really settled. */
  abandoned: number;
  /** Time callers waited for a slot (only successful acquisitions; 0 when a slot was free), over a recent window. */
  acquireWaitMs: { p50: number | null; p99: number | null };
  /** Duration of attempts until they really settled (abandoned ones included once they do), over a recent window. */
  queryMs: LatencyPercentiles;
  /** The adaptive limit of queries at once (ADAPTIVE_LIMITS): `idle` counts up to it, not up to `max`. */
  limit?: ConcurrencyLimitView;
}

/** The query pool's status word: degraded (timeouts/errors last interval) > saturated (waits or >= 90 % busy) > healthy. */
export const PoolStatus = { healthy: 'healthy', saturated: 'saturated', degraded: 'degraded' } as const;
export type PoolStatus = (typeof PoolStatus)[keyof typeof PoolStatus];

/** Who reported a per-instance entry, and when. */
export interface InstanceIdentity {
  instanceId: string;
  /** The function (service) the instance runs. */
  function: string;
  updatedAt: number;
}

/** Answer of `getDatabasePoolStatus`. */
export interface DatabasePoolStatus {
  status: PoolStatus;
  at: number;
  fleet: DbPoolNumbers;
  instances: (DbPoolNumbers & InstanceIdentity)[];
}

/** Circuit breaker states. */
export const BreakerState = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

/** Breaker state of a service, fleet-wide. */
export interface BreakerView {
  state: BreakerState;
  /** Failure rate (0..1) of the window that last opened the breaker; 0 after close/reset. */
  failureRate: number;
  /** Calls in that window. */
  calls: number;
  /** When the breaker last opened; null while closed. */
  openedAt: number | null;
  /** From when a probe may run; null while closed. */
  nextProbeAt: number | null;
}

/**
 * HTTP keep-alive pool numbers of one service (undici words). Gauges are "now"
 * (read from the agent); counters are cumulative since the service was
 * registered. Numbers only: no URL, header or body.
 */
export interface HttpPoolNumbers {
  /** Most sockets the pool opens to the service at once (agent maxSockets). */
  maxSockets: number;
  /** Sockets open and carrying a request (or connecting for one) right now. */
  activeSockets: number;
  /**
   * Most sockets carrying requests at once since the service was registered:
   * requests in flight to it. Fleet-wide, the sum of the instances' peaks (an
   * upper bound of the fleet's peak).
   */
  peakActiveSockets: number;
  /** Idle keep-alive sockets waiting for reuse right now. */
  freeSockets: number;
  /** Requests waiting for a socket because maxSockets are busy, right now. */
  queued: number;
  /** Sockets (TCP/TLS connections) opened so far. */
  socketsCreated: number;
  /** Sockets closed so far, for any reason (idle timeout, server close, error, destroy). */
  socketsClosed: number;
  /** Socket-level errors so far (refused, reset, TLS...). One failing request may add one. */
  socketErrors: number;
  /** Requests so far (health checks excluded); a reused-socket retry counts once. */
  requests: number;
  /** Requests that passed their wall-clock deadline. */
  timeouts: number;
  /** Requests that ended in a transport error (timeouts included, caller aborts excluded) or a 5xx/429 answer. */
  failures: number;
}

/** Last health check of a service; every field is null until one ran. */
export interface HealthView {
  ok: boolean | null;
  checkedAt: number | null;
  /** Round trip of the check; null before a check and when it got no answer. */
  latencyMs: number | null;
  /** Why the last check failed, in words (no URL, header or secret). */
  error?: string;
}

/** Why an adaptive concurrency limit moved. */
export const LimitChangeReason = {
  /** Recent latency rose well above its baseline. */
  latency: 'latency',
  /** A 429 or a timeout: the service said, or showed, "too much". */
  dropped: 'dropped',
  /** Latency back near its baseline with the limit in use: the limit grows toward its cap. */
  recovered: 'recovered',
} as const;
export type LimitChangeReason = (typeof LimitChangeReason)[keyof typeof LimitChangeReason];

/** One change of an adaptive concurrency limit. */
export interface LimitChange {
  at: number;
  from: number;
  to: number;
  reason: LimitChangeReason;
}

/**
 * An adaptive concurrency limit (payment-service requests, Firestore queries):
 * where it stands between its bounds, and how it moved. Fleet-wide: limits,
 * bounds and gauges summed, the newest changes of any instance.
 */
export interface ConcurrencyLimitView {
  /** Requests allowed in flight now. */
  limit: number;
  /** Its lower bound. */
  min: number;
  /** Its upper bound: the cap (sockets, slots). */
  max: number;
  /** Requests holding a slot of the limit right now. */
  inFlight: number;
  /** Requests waiting for a slot right now (within their own deadline). */
  waiting: number;
  /** Requests that got no slot in time (their deadline passed, or too little of it was left to be answered): never sent. */
  rejected: number;
  /** Changes so far. */
  changes: number;
  /** The most recent changes, oldest first. */
  recentChanges: LimitChange[];
}

/** Outlier-ejection state of one endpoint of a service. */
export interface EjectionView {
  /** Out of rotation now: new payments are not sent to it. */
  ejected: boolean;
  /** When it comes back; null while it is in rotation. */
  ejectedUntil: number | null;
  /** Times it was ejected so far (the ejection period grows with them). */
  ejections: number;
  /** 5xx answers or timeouts in a row right now. */
  consecutiveFailures: number;
}

/** One base URL of a service with several (PAYMENT_SERVICE_URL lists them). */
export interface EndpointStats {
  /** `host[:port][/path]` of the base URL: no scheme, credentials or query. */
  endpoint: string;
  pool: HttpPoolNumbers;
  /** Requests sent to it and not yet answered. */
  outstanding: number;
  latencyMs: LatencyPercentiles;
  ejection: EjectionView;
  health: HealthView;
}

/** One downstream service as one instance sees it, or summed over the fleet. */
export interface ServiceStats {
  breaker: BreakerView;
  /** Null until this instance (or, fleet-wide, any live instance) has a pool for the service. */
  pool: HttpPoolNumbers | null;
  latencyMs: LatencyPercentiles;
  health: HealthView;
  /** Services with several endpoints only: each one's pool, load and ejection state (fleet: summed per endpoint). */
  endpoints?: EndpointStats[];
  /** Services with an adaptive concurrency limit only (payment-service). */
  limit?: ConcurrencyLimitView;
}

/** CloudWatch shipper counters. */
export interface ShipperStats {
  enabled: boolean;
  /** Events waiting to be sent. */
  buffered: number;
  sent: number;
  /** Events CloudWatch refused (dropped, never retried). */
  failed: number;
  /** Events discarded because the buffer was full (oldest first). */
  dropped: number;
  /**
   * Attempts at sending a batch that delivered nothing (no credentials,
   * network, throttling, 5xx, timeout, breaker, refusal); those events stay
   * buffered. Unlike `failed`, nothing was lost.
   */
  failedSends: number;
  /** Most recent failure, or null if none yet. */
  lastError: { code: string; message: string; at: number } | null;
  /** Last accepted PutLogEvents, or null if none yet. */
  lastSuccessAt: number | null;
}

/** What one reconciliation pass did: the answer of `runReconciliation`. */
export interface ReconcileReport {
  /** When the pass started. */
  at: number;
  durationMs: number;
  /** Records claimed and looked up (`unknown`, and `pending` whose lease had ended). */
  examined: number;
  /** Settled to succeeded/declined from the provider's answer. */
  charged: number;
  /** Settled to failed: not found at the provider after the settle window. */
  notCharged: number;
  /** Left unknown: still inside the settle window, the provider could not answer, or a mismatch. */
  stillUnknown: number;
  /** Accepted by the provider and still waiting there (requires_action, processing). */
  waiting: number;
  /** Found at the provider with another amount or currency (left unknown, logged at ERROR). */
  mismatches: number;
  /** Not acted on: a live call holds them, or they changed since the scan. */
  skipped: number;
  /** Records whose settlement failed with an error (logged; left for the next pass). */
  errors: number;
  /** False when the time budget ran out before every candidate was reached. */
  complete: boolean;
}

/** The ledger as operators watch it: what is undecided, and the incidents counted fleet-wide. */
export interface LedgerHealth {
  /** Records whose outcome is not known yet (maybe charged). */
  unknown: number;
  /** Age of the oldest `unknown` record, ms; null when there is none. */
  oldestUnknownAgeMs: number | null;
  /** Accepted by the provider and waiting there (requires_action, processing). */
  waiting: number;
  /** `pending` records whose lease ended: their call died or lost its claim. */
  expiredPending: number;
  /** Calls that found their claim taken over before they could write (since the project began). */
  lostClaims: number;
  /** Lookups that found a charge with another amount or currency than the ledger's. */
  mismatches: number;
  /** The last reconciliation pass; null before the first. */
  lastRun: ReconcileReport | null;
}

/**
 * The fleet-wide concurrency budget toward the payment provider and how much
 * of it is used. Every instance's provider pool is capped at `capPerInstance`,
 * so `maxInstances` instances together stay within `budget`.
 */
export interface ProviderConcurrency {
  /** Most requests in flight to the provider across the fleet (PAYMENT_PROVIDER_MAX_CONCURRENCY). */
  budget: number;
  /** processPayment instances the budget is shared by (PAYMENT_MAX_INSTANCES). */
  maxInstances: number;
  /** Requests one instance may have in flight to the provider: min(VUE_APP_MAX_CONNECTIONS, floor(budget / maxInstances)). */
  capPerInstance: number;
  /** Requests in flight to the provider now, over live instances; null when no live instance has a provider pool. */
  inFlight: number | null;
  /**
   * Sum of the live instances' peaks of requests in flight to the provider (an
   * upper bound of the fleet's peak: the instances may have peaked at
   * different times); null when no live instance has a provider pool.
   */
  peakInFlight: number | null;
}

/** The payment providers the functions can be configured with (PAYMENT_PROVIDER). */
export const PaymentProviderName = { generic: 'generic', stripe: 'stripe' } as const;
export type PaymentProviderName = (typeof PaymentProviderName)[keyof typeof PaymentProviderName];

/** Answer of `getConnectionPoolStats`. */
export interface ConnectionPoolStats {
  at: number;
  /** Which provider `payment-service` is (PAYMENT_PROVIDER): the admin page offers Stripe's test PaymentMethods in Stripe mode. */
  paymentProvider: PaymentProviderName;
  services: Record<string, ServiceStats>;
  /** The provider concurrency budget, the per-instance cap and the peak in flight. */
  providerConcurrency: ProviderConcurrency;
  /** Ledger health, read now. */
  ledger: LedgerHealth;
  instances: (InstanceIdentity & {
    services: Record<string, ServiceStats>;
    cloudwatch: ShipperStats | null;
    rejections: RejectionCounts;
  })[];
  /** Fleet total; null when no instance ships to CloudWatch. */
  cloudwatch: ShipperStats | null;
  /** Calls refused before any work (App Check, user limits), summed over live instances. */
  rejections: RejectionCounts;
  /** App Check as the answering instance applies it: APP_CHECK_ENFORCE, and APP_CHECK_CONSUME on processPayment. */
  appCheck: { enforced: boolean; replayProtection: boolean };
}

/** Answer of `resetCircuitBreakers`. */
export interface ResetBreakersResult {
  reset: string[];
  at: number;
}

/**
 * States of the `health` endpoint and of each of its components: `ok`;
 * `degraded` (payments are still taken, something needs a look); `down`
 * (payments cannot be taken: the endpoint answers 503).
 */
export const HealthState = { ok: 'ok', degraded: 'degraded', down: 'down' } as const;
export type HealthState = (typeof HealthState)[keyof typeof HealthState];

/** One component of the health report: its state only (the deep view adds the numbers). */
export interface ComponentHealth {
  state: HealthState;
}

/**
 * Body of `GET health` (200 when `status` is not `down`, else 503): states
 * only, nothing secret or internal (no URL, key, uid or error text).
 */
export interface HealthReport {
  status: HealthState;
  /** When the checks behind this report ran (they are reused for a few seconds). */
  checkedAt: number;
  components: {
    /** A Firestore read round trip through the query pool. */
    firestore: ComponentHealth;
    /** The provider's health call; `endpoints` by label (`endpoint-1`, ...) when it has several base URLs. */
    provider: ComponentHealth & { endpoints?: Record<string, ComponentHealth> };
    /** Fleet breaker of each service: `payment-service` open is down, half-open degraded. */
    breakers: Record<string, ComponentHealth & { breaker: BreakerState }>;
    /** The CloudWatch log shipper's health call; `enabled: false` (and ok) when shipping is off. */
    cloudwatch: ComponentHealth & { enabled: boolean };
    /** Reconciliation backlog from the ledger health: degraded when unknown payments wait too long or leases expired. */
    reconciliation: ComponentHealth;
  };
}

/** One timed check of the deep view. */
export interface HealthCheckDetail {
  state: HealthState;
  /** Round trip of the check, ms; null when it got no answer. */
  latencyMs: number | null;
  /** Why it is not ok, in words (never a URL, header or secret). */
  problem?: string;
}

/** Body of `GET health?deep=1` (admins only): the report plus this instance's numbers. */
export interface HealthDeepReport extends HealthReport {
  detail: {
    instance: { instanceId: string; function: string };
    firestore: HealthCheckDetail;
    provider: HealthCheckDetail & { endpoints?: Record<string, HealthCheckDetail> };
    cloudwatch: (HealthCheckDetail & { shipper: ShipperStats }) | null;
    breakers: Record<string, BreakerView>;
    /** The ledger health the reconciliation state was judged from; null when Firestore could not answer. */
    ledger: LedgerHealth | null;
    /** This instance's pools as of the check. */
    pools: { firestore: DbPoolNumbers; http: Record<string, HttpPoolNumbers | null> };
  };
}

/**
 * Kinds of incident timeline events. `ejection` and `limit-change` come from
 * the multi-endpoint balancer and the adaptive concurrency limit when those
 * publish them; the others from breakers, refusals and the ledger.
 */
export const IncidentKind = {
  breakerTransition: 'breaker-transition',
  ejection: 'ejection',
  limitChange: 'limit-change',
  rejection: 'rejection',
  unknownPayment: 'unknown-payment',
} as const;
export type IncidentKind = (typeof IncidentKind)[keyof typeof IncidentKind];

/** One entry of the incident timeline. */
export interface IncidentEvent {
  /** When it happened (epoch ms); for counted kinds, the last occurrence in its minute. */
  at: number;
  kind: IncidentKind;
  /** What it concerns: a service (`payment-service`), an endpoint label, a pool, a rejection reason, a transactionId. */
  subject: string;
  /** One line for a person, e.g. "closed -> open (failure-rate, 100 % of 6 calls)". */
  summary: string;
  /** Occurrences merged into this entry: rejections and limit changes are counted per instance and minute; else 1. */
  count: number;
  /** The instance that recorded it; null when read from the ledger or `breakers/*`. */
  instanceId: string | null;
}

/** Answer of `getIncidentTimeline`: the last hour, newest first. */
export interface IncidentTimeline {
  at: number;
  /** Start of the window (`at` - 1 h). */
  since: number;
  events: IncidentEvent[];
  /** True when more events than the answer holds happened in the window (the oldest were left out). */
  truncated: boolean;
}
