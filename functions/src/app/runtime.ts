import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import type { CancelPaymentResult, LimitChange } from '../api/index.js';
import type { AppCheckEvents } from '../access/appCheck.js';
import { authAccountLookup, SessionCheck } from '../access/sessionCheck.js';
import { config, ConfigError, type Config } from '../config/index.js';
import { CLOUDWATCH_LOGS_SERVICE, CloudWatchShipper } from '../observability/cloudwatch/cloudwatchShipper.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { logEvent, setLogShipper } from '../observability/logs/logger.js';
import { registerSecret } from '../observability/logs/redact.js';
import { ThrottledLog } from '../observability/logs/throttledLog.js';
import { FirestoreLedger } from '../payments/ledger/firestoreLedger.js';
import { LimitSeals } from '../payments/ledger/limitSeals.js';
import { sealKeyValue } from '../access/sealKey.js';
import type { PaymentLedger } from '../payments/ledger/paymentLedger.js';
import { PaymentHandler } from '../payments/paymentHandler.js';
import type { PaymentEvent, ReconcileEvent } from '../payments/paymentEvents.js';
import { reconcilePayments, type ReconcileReport } from '../payments/reconcile.js';
import { cancelPayment } from '../payments/cancelPayment.js';
import type { CancelCaller } from '../payments/ledger/paymentLedger.js';
import { paymentSettings } from '../payments/settingsFromConfig.js';
import { PAYMENT_SERVICE } from '../payments/provider/paymentProvider.js';
import { createPaymentProvider, createRefundProvider } from '../payments/provider/providerFromConfig.js';
import type { PaymentProvider } from '../payments/provider/paymentProvider.js';
import type { RefundProvider } from '../payments/refunds/refundProvider.js';
import { BreakerRegistry, FirestoreBreakerStore, type Verdict } from '../resilience/breaker/index.js';
import type { RunQuery } from '../resilience/query/runQuery.js';
import { FirestoreLease, type Lease } from '../resilience/lease/lease.js';
import { HttpPoolManager } from '../resilience/http/index.js';
import { QueryPool } from '../resilience/query/index.js';
import { paymentApiKey } from '../config/secrets.js';
import { IncidentLog } from '../stats/incidentLog.js';
import { StatsPublisher } from '../stats/instanceStats.js';
import { poolHealthCheck } from '../stats/poolHealthCheck.js';
import type { SharedResult } from '../resilience/cache/sharedResult.js';
import { RejectionCounter } from '../stats/rejections.js';
import {
  appCheckEventSink,
  REFUSAL_LOG_INTERVAL_MS,
  endpointEventSink,
  limitChangeSink,
  paymentEventSink,
  subscribeBreakers,
} from './subscriptions.js';
import { RECONCILE_LEASE } from './reconcileOnce.js';
import { refundRuntime, type RefundRuntime } from './refundRuntime.js';
import { instanceId } from '../observability/logs/instance.js';
import { eventPublishing } from '../events/eventsFromConfig.js';
import type { EventPublisher } from '../events/eventPublisher.js';
import type { DomainEvent } from '../events/publishedEvents.js';
import { disputeNumbers } from '../payments/ledger/disputeHealth.js';

/**
 * The per-instance mechanisms, built once per process on first use. Nothing in
 * here is shared with other functions or instances: fleet-wide state (breakers,
 * stats snapshots, the ledger) lives in Firestore. The refund parts are
 * app/refundRuntime.ts's.
 */
export interface Runtime extends RefundRuntime {
  cfg: Config;
  queryPool: QueryPool;
  /** All of the project's own Firestore access goes through the query pool. */
  runQuery: RunQuery;
  breakers: BreakerRegistry;
  http: HttpPoolManager;
  shipper: CloudWatchShipper | null;
  metrics: MetricsAggregator;
  /** This instance's stats snapshot publisher. */
  stats: StatsPublisher;
  /** This instance's recent incidents, published with its snapshot (the incident timeline). */
  incidents: IncidentLog;
  ledger: PaymentLedger;
  /** Where the callables' App Check check reports refused calls. */
  appCheckEvents: AppCheckEvents;
  /** `getConnectionPoolStats({ check: true })`'s health checks, at most once per HEALTH_CACHE_MS. */
  poolHealthCheck: SharedResult<void>;
  /** Log of refusals of unauthenticated traffic (App Check, webhook signatures): one line per kind and interval. */
  refusalLog: ThrottledLog;
  /** Whether admins' sessions are still valid (revoked or disabled accounts), cached a minute per uid. */
  sessions: SessionCheck;
  /** True when this function mounts PAYMENT_API_KEY (config/secrets.ts: only the functions that call the provider). */
  hasProviderKey(): boolean;
  /** The payment provider; built on first use because it needs the PAYMENT_API_KEY secret. */
  provider(): PaymentProvider;
  /**
   * The provider's refunds, on the payment provider's pools and endpoints; null while its adapter has
   * none (`refundPayment` then answers `unimplemented`). Built on first use, with the provider.
   */
  refunds(): RefundProvider | null;
  /** The payment handler (ledger + provider + breaker). */
  payments(): PaymentHandler;
  /** The fleet-wide lease every reconciliation pass takes (app/reconcileOnce.ts). */
  reconcileLease: Lease;
  /** One reconciliation pass within `budgetMs`; its numbers become metrics, its log line carries `runId`. */
  reconcile(budgetMs: number, runId: string): Promise<ReconcileReport>;
  /** Cancels a payment for its owner or an admin (payments/cancelPayment.ts). */
  cancel(transactionId: string, caller: CancelCaller): Promise<CancelPaymentResult>;
  /** Publishes events for other systems (EVENTARC_CHANNEL); the end-of-call work waits for it. Null when unset. */
  events: EventPublisher | null;
  /** The events' subscriber, for the sinks built per call (the webhook's); a no-op without EVENTARC_CHANNEL. */
  publishEvents: (e: DomainEvent) => void;
}

let current: Runtime | undefined;

/** The process-wide runtime. */
export function runtime(): Runtime {
  current ??= build(config());
  return current;
}

function build(cfg: Config): Runtime {
  const app = getApps()[0] ?? initializeApp();
  const db = getFirestore(app);
  // Stats snapshots carry optional fields; store them as absent rather than fail.
  db.settings({ ignoreUndefinedProperties: true });
  const queryPool = new QueryPool({
    getDb: () => db,
    max: cfg.VUE_APP_MAX_CONNECTIONS,
    acquireTimeoutMs: cfg.VUE_APP_CONNECTION_TIMEOUT,
    queryTimeoutMs: cfg.VUE_APP_DATABASE_TIMEOUT,
    retryAttempts: cfg.VUE_APP_DATABASE_RETRY_ATTEMPTS,
    // Its subscribers (subscriptions.ts) exist only once the sinks do: wired through a late-bound listener.
    ...(cfg.ADAPTIVE_LIMITS ? { limit: { min: cfg.QUERY_LIMIT_MIN, onChange: (c) => queryLimitChanged(c) } } : {}),
  });
  let queryLimitChanged: (c: LimitChange) => void = () => undefined;
  const runQuery: RunQuery = (fn, name, opts) => queryPool.executeQuery((db) => fn(db), name, opts);
  const breakers = new BreakerRegistry(new FirestoreBreakerStore({ runQuery }), {
    failureThreshold: cfg.CIRCUIT_FAILURE_THRESHOLD,
    minCalls: cfg.CIRCUIT_MIN_CALLS,
    windowMs: cfg.CIRCUIT_WINDOW_MS,
    openMs: cfg.CIRCUIT_OPEN_MS,
    halfOpenProbes: cfg.CIRCUIT_HALF_OPEN_PROBES,
    probeLeaseMs: cfg.VUE_APP_PAYMENT_TIMEOUT + 5000,
  });
  const paymentBreaker = breakers.register(PAYMENT_SERVICE);
  const cloudwatchBreaker = breakers.register(CLOUDWATCH_LOGS_SERVICE, {
    probeLeaseMs: cfg.VUE_APP_CLOUDWATCH_TIMEOUT + 5000,
  });
  const metrics = new MetricsAggregator({
    enabled: cfg.VUE_APP_ENABLE_METRICS,
    intervalMs: cfg.VUE_APP_METRICS_INTERVAL,
  });
  const http = new HttpPoolManager();

  let shipper: CloudWatchShipper | null = null;
  if (cfg.CLOUDWATCH_LOG_GROUP && cfg.AWS_REGION) {
    const cwVerdict = (o: { ok: boolean }): Verdict => (o.ok ? 'success' : 'failure');
    shipper = new CloudWatchShipper({
      logGroup: cfg.CLOUDWATCH_LOG_GROUP,
      ...(cfg.CLOUDWATCH_LOG_STREAM ? { logStream: cfg.CLOUDWATCH_LOG_STREAM } : {}),
      region: cfg.AWS_REGION,
      ...(cfg.CLOUDWATCH_ENDPOINT ? { endpoint: cfg.CLOUDWATCH_ENDPOINT } : {}),
      // AWS_ROLE_ARN: keyless via STS; else the AWS key secrets. Fetched inside flushes, never here.
      credentialSource: CloudWatchShipper.credentialsFromConfig(cfg),
      timeoutMs: cfg.VUE_APP_CLOUDWATCH_TIMEOUT,
      retryAttempts: cfg.VUE_APP_CLOUDWATCH_RETRY_ATTEMPTS,
      retryDelayMs: cfg.VUE_APP_CLOUDWATCH_RETRY_DELAY,
      flushBudgetMs: cfg.CLOUDWATCH_FLUSH_BUDGET_MS,
      guard: {
        execute: (fn) => cloudwatchBreaker.execute(() => fn(new AbortController().signal), cwVerdict),
        // A copy older than a second is read before the flush can send: started when a call begins (housekeeping.ts).
        prefetch: () => cloudwatchBreaker.prefetch(),
      },
      // Its requests go over this pool's agent, measured and health-checked like payment-service's.
      httpPool: http,
      serviceName: CLOUDWATCH_LOGS_SERVICE,
      maxSockets: cfg.VUE_APP_MAX_CONNECTIONS,
    });
    setLogShipper(shipper);
  }

  const incidents = new IncidentLog(instanceId);
  const rejections = new RejectionCounter();
  const stats = new StatsPublisher({
    cfg,
    queryPool,
    runQuery,
    breakers,
    http,
    shipper,
    metrics,
    incidents,
    rejections,
  });
  const sinks = { metrics, incidents, stats, rejections };
  subscribeBreakers(breakers, sinks);
  queryLimitChanged = limitChangeSink(sinks, 'firestore');
  const published = eventPublishing(app, cfg, metrics);
  const logged = paymentEventSink(sinks);
  const paymentEvents = (e: PaymentEvent | ReconcileEvent) => {
    logged(e);
    published.subscriber(e);
  };
  const refusalLog = new ThrottledLog(logEvent, REFUSAL_LOG_INTERVAL_MS);
  const appCheckEvents: AppCheckEvents = appCheckEventSink(sinks, refusalLog);
  const ledger = new FirestoreLedger(runQuery, Date.now, {
    ratePerMin: cfg.PAYMENT_USER_RATE_PER_MIN,
    burst: cfg.PAYMENT_USER_BURST,
    maxInFlight: cfg.PAYMENT_USER_MAX_IN_FLIGHT,
  });
  let provider: PaymentProvider | undefined;
  let refunds: RefundProvider | null | undefined;
  let handler: PaymentHandler | undefined;
  const rt: Runtime = {
    ...refundRuntime({
      cfg,
      runQuery,
      ledger,
      breaker: paymentBreaker,
      metrics,
      provider: () => rt.provider(),
      refunds: () => rt.refunds(),
      also: published.subscriber,
    }),
    cfg,
    queryPool,
    runQuery,
    breakers,
    http,
    shipper,
    metrics,
    stats,
    incidents,
    ledger,
    appCheckEvents,
    refusalLog,
    poolHealthCheck: poolHealthCheck(() => (rt.hasProviderKey() ? rt.provider() : null), shipper, cfg.HEALTH_CACHE_MS),
    sessions: new SessionCheck(authAccountLookup(getAuth(app))),
    // Read from the environment, not .value(), which logs a warning when the secret is not mounted.
    hasProviderKey: () => (process.env[paymentApiKey.name] ?? '') !== '',
    provider() {
      if (provider) return provider;
      const key = paymentApiKey.value();
      if (!key) {
        throw new ConfigError(
          'PAYMENT_API_KEY is not set: set the secret (firebase functions:secrets:set PAYMENT_API_KEY) or functions/.secret.local in the emulator',
          ['PAYMENT_API_KEY'],
        );
      }
      registerSecret(key);
      // This instance's share of PAYMENT_PROVIDER_MAX_CONCURRENCY caps the provider pool (providerFromConfig.ts).
      provider = createPaymentProvider(http, cfg, key, {
        onLimitChange: limitChangeSink(sinks, PAYMENT_SERVICE),
        onEndpoints: (endpoints) => {
          endpoints.onEvent(endpointEventSink(sinks, PAYMENT_SERVICE));
          stats.watchEndpoints(PAYMENT_SERVICE, endpoints);
        },
        // Its payments stay unknown until the URL is listed again (PAYMENT_RETIRED_URLS): docs/operations.md.
        onUnknownEndpoint: (endpoint) =>
          logEvent(
            'payment.endpoint_unknown',
            { service: PAYMENT_SERVICE, endpoint, fix: 'list its URL in PAYMENT_RETIRED_URLS' },
            'ERROR',
          ),
      });
      return provider;
    },
    refunds() {
      if (refunds === undefined) refunds = createRefundProvider(rt.provider());
      return refunds;
    },
    payments() {
      handler ??= new PaymentHandler({
        ledger,
        provider: rt.provider(),
        breaker: paymentBreaker,
        settings: paymentSettings(cfg),
        events: paymentEvents,
        seals: ledger.limitCopies && new LimitSeals(() => sealKeyValue(), ledger.limitCopies),
      });
      return handler;
    },
    events: published.publisher,
    publishEvents: published.subscriber,
    reconcileLease: new FirestoreLease(runQuery, RECONCILE_LEASE),
    async reconcile(budgetMs, runId) {
      const report = await reconcilePayments({
        ledger,
        provider: rt.provider(),
        settleMs: cfg.PAYMENT_SETTLE_MS,
        actionTimeoutMs: cfg.PAYMENT_ACTION_TIMEOUT_MS,
        budgetMs,
        events: paymentEvents,
        refunds: rt.refundReconcile(),
      });
      const health = await rt.ledgerHealth(Date.now()).catch(() => null);
      if (health) metrics.recordReconciliation({ ...report, ...health, disputes: disputeNumbers(health, Date.now()) });
      const severity = report.stillUnknown > 0 || report.errors > 0 ? 'WARNING' : 'INFO';
      logEvent('payments.reconciled', { ...report, runId }, severity);
      return report;
    },
    cancel(transactionId, caller) {
      const deps = { ledger, provider: rt.provider(), settleMs: cfg.PAYMENT_SETTLE_MS, events: paymentEvents };
      return cancelPayment(deps, transactionId, caller);
    },
  };
  return rt;
}
