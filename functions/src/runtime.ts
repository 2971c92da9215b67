import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { config, ConfigError, type Config } from './config.js';
import { CloudWatchShipper } from './observability/cloudwatchShipper.js';
import { MetricsAggregator } from './observability/emf.js';
import { logEvent, setLogShipper } from './observability/logger.js';
import { registerSecret } from './observability/redact.js';
import type { RunQuery } from './payments/ledger.js';
import { PaymentHandler } from './payments/paymentHandler.js';
import { PAYMENT_SERVICE } from './payments/providerClient.js';
import { BreakerRegistry } from './resilience/breaker/breakerRegistry.js';
import { FirestoreBreakerStore } from './resilience/breaker/breakerStoreFirestore.js';
import type { Verdict } from './resilience/breaker/circuitBreaker.js';
import { HttpPoolManager } from './resilience/http/httpPool.js';
import { QueryPool } from './resilience/query/queryPool.js';
import { paymentApiKey } from './secrets.js';
import { markStatsDirty } from './stats/instanceStats.js';

/** Service name of the CloudWatch Logs shipper in the breaker registry. */
export const CLOUDWATCH_SERVICE = 'cloudwatch-logs';

/**
 * The per-instance mechanisms, built once per process on first use. Nothing in
 * here is shared with other functions or instances: fleet-wide state (breakers,
 * stats snapshots, the ledger) lives in Firestore.
 */
export interface Runtime {
  cfg: Config;
  queryPool: QueryPool;
  /** All of the project's own Firestore access goes through the query pool. */
  runQuery: RunQuery;
  breakers: BreakerRegistry;
  http: HttpPoolManager;
  shipper: CloudWatchShipper | null;
  metrics: MetricsAggregator;
  /** The payment handler; creates the payment-service HTTP client on first use (needs the secret). */
  payments(): PaymentHandler;
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
  });
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
  const cloudwatchBreaker = breakers.register(CLOUDWATCH_SERVICE, {
    probeLeaseMs: cfg.VUE_APP_CLOUDWATCH_TIMEOUT + 5000,
  });
  const metrics = new MetricsAggregator({
    enabled: cfg.VUE_APP_ENABLE_METRICS,
    intervalMs: cfg.VUE_APP_METRICS_INTERVAL,
  });
  breakers.onTransition((t) => {
    markStatsDirty();
    if (t.reason === 'synced') return; // the instance that made the change logs it once for the fleet
    logEvent(
      'breaker.transition',
      {
        service: t.service,
        breakerState: t.to,
        from: t.from,
        reason: t.reason,
        failureRate: t.failureRate,
        calls: t.calls,
      },
      t.to === 'open' ? 'WARNING' : 'NOTICE',
    );
    metrics.recordBreakerTransition({ service: t.service, to: t.to });
  });

  let shipper: CloudWatchShipper | null = null;
  if (cfg.CLOUDWATCH_LOG_GROUP && cfg.AWS_REGION) {
    const cwVerdict = (o: { ok: boolean }): Verdict => (o.ok ? 'success' : 'failure');
    shipper = new CloudWatchShipper({
      logGroup: cfg.CLOUDWATCH_LOG_GROUP,
      ...(cfg.CLOUDWATCH_LOG_STREAM ? { logStream: cfg.CLOUDWATCH_LOG_STREAM } : {}),
      region: cfg.AWS_REGION,
      ...(cfg.CLOUDWATCH_ENDPOINT ? { endpoint: cfg.CLOUDWATCH_ENDPOINT } : {}),
      timeoutMs: cfg.VUE_APP_CLOUDWATCH_TIMEOUT,
      retryAttempts: cfg.VUE_APP_CLOUDWATCH_RETRY_ATTEMPTS,
      retryDelayMs: cfg.VUE_APP_CLOUDWATCH_RETRY_DELAY,
      flushBudgetMs: cfg.CLOUDWATCH_FLUSH_BUDGET_MS,
      guard: {
        execute: (fn) => cloudwatchBreaker.execute(() => fn(new AbortController().signal), cwVerdict),
      },
    });
    setLogShipper(shipper);
  }

  const http = new HttpPoolManager();
  let handler: PaymentHandler | undefined;
  return {
    cfg,
    queryPool,
    runQuery,
    breakers,
    http,
    shipper,
    metrics,
    payments() {
      if (handler) return handler;
      const key = paymentApiKey.value();
      if (!key) {
        throw new ConfigError(
          'PAYMENT_API_KEY is not set: set the secret (firebase functions:secrets:set PAYMENT_API_KEY) or functions/.secret.local in the emulator',
          ['PAYMENT_API_KEY'],
        );
      }
      registerSecret(key);
      http.createHttpClient(PAYMENT_SERVICE, cfg.PAYMENT_SERVICE_URL, {
        maxSockets: cfg.VUE_APP_MAX_CONNECTIONS,
        attemptTimeoutMs: cfg.VUE_APP_PAYMENT_TIMEOUT,
        headers: { Authorization: `Bearer ${key}` },
      });
      handler = new PaymentHandler({
        runQuery,
        pool: http,
        breaker: paymentBreaker,
        settings: {
          attemptTimeoutMs: cfg.VUE_APP_PAYMENT_TIMEOUT,
          attempts: cfg.VUE_APP_PAYMENT_RETRY_ATTEMPTS,
          totalTimeoutMs: cfg.PAYMENT_TOTAL_TIMEOUT_MS,
          maxAmount: cfg.PAYMENT_MAX_AMOUNT,
        },
        log: (event, fields, severity) => logEvent(event, { service: PAYMENT_SERVICE, ...fields }, severity),
      });
      return handler;
    },
  };
}
