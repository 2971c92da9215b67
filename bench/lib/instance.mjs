// One simulated Cloud Functions instance of processPayment (and refundPayment), assembled from the
// compiled project the way functions/src/app/runtime.ts assembles it (query pool,
// fleet breaker on Firestore, keep-alive HTTP pool, FirestoreLedger with the
// per-user limits and their seals, GenericProvider, PaymentHandler, StatsPublisher; FirestoreRefundLedger,
// GenericRefunds and refundPayment for refunds; the explorer's getPayment with
// FirestoreRefundSeals for the admin's refund seal), on its own
// firebase-admin app, so its own Firestore client, whose RPCs are counted.
// Every instance holds the same SEAL_KEY, as every function of a deploy does.
// Several of these in one process share no state except Firestore, like instances.
import { randomBytes } from 'node:crypto';
import { countRpcs } from './firestoreRpcs.mjs';
import { dep, lib } from './project.mjs';

const { initializeApp, deleteApp } = dep('firebase-admin/app');
const { getFirestore } = dep('firebase-admin/firestore');
const { QueryPool } = lib('resilience/query/queryPool.js');
const { BreakerRegistry, FirestoreBreakerStore } = lib('resilience/breaker/index.js');
const { HttpPoolManager } = lib('resilience/http/httpPool.js');
const { FirestoreLedger } = lib('payments/ledger/firestoreLedger.js');
const { LimitSeals } = lib('payments/ledger/limitSeals.js');
const { GenericProvider } = lib('payments/provider/genericProvider.js');
const { GenericRefunds } = lib('payments/provider/genericRefunds.js');
const { FirestoreRefundLedger } = lib('payments/refunds/firestoreRefundLedger.js');
const { refundPayment } = lib('payments/refunds/refundPayment.js');
const { FirestoreRefundSeals } = lib('payments/refunds/firestoreRefundSeals.js');
const { FirestorePaymentReader } = lib('payments/explorer/firestorePaymentReader.js');
const { getPayment } = lib('payments/explorer/explorer.js');
const { PAYMENT_SERVICE } = lib('payments/provider/paymentProvider.js');
const { PaymentHandler } = lib('payments/paymentHandler.js');
const { StatsPublisher } = lib('stats/instanceStats.js');
const { IncidentLog } = lib('stats/incidentLog.js');
const { RejectionCounter } = lib('stats/rejections.js');

export { PAYMENT_SERVICE };

/** functions/.env values the payment path uses (the production defaults, not .env.local's). */
export const APP = {
  maxConnections: 10,
  breaker: { failureThreshold: 50, minCalls: 5, windowMs: 10_000, openMs: 30_000, halfOpenProbes: 1 },
  settings: {
    attemptTimeoutMs: 5000,
    attempts: 3,
    totalTimeoutMs: 25_000,
    maxAmount: 1_000_000,
    settleMs: 60_000,
    idempotencyTtlMs: 86_400_000,
  },
  limits: { ratePerMin: 30, burst: 10, maxInFlight: 3 },
  metricsIntervalMs: 60_000,
};

let seq = 0;
/** This process's SEAL_KEY (random: seals are only opened by instances of the same run). */
const SEAL_KEY = `bench_seal_${randomBytes(24).toString('hex')}`;

/**
 * Builds an instance against the Firestore emulator named by FIRESTORE_EMULATOR_HOST.
 * `limits: null` builds the ledger without per-user limits. `stop()` releases it.
 */
export function paymentInstance({ projectId, simUrl, apiKey, limits = APP.limits, breaker = {}, settings = {}, ca }) {
  const app = initializeApp({ projectId }, `bench-instance-${process.pid}-${++seq}`);
  const db = getFirestore(app);
  db.settings({ ignoreUndefinedProperties: true });
  const rpcs = countRpcs(db);
  const queryPool = new QueryPool({
    getDb: () => db,
    max: APP.maxConnections,
    acquireTimeoutMs: 30_000,
    queryTimeoutMs: 10_000,
    retryAttempts: 3,
  });
  const runQuery = (fn, name, opts) => queryPool.executeQuery((d) => fn(d), name, opts);
  const breakers = new BreakerRegistry(new FirestoreBreakerStore({ runQuery }), {
    ...APP.breaker,
    probeLeaseMs: APP.settings.attemptTimeoutMs + 5000,
    ...breaker,
  });
  const paymentBreaker = breakers.register(PAYMENT_SERVICE);
  const http = new HttpPoolManager();
  const provider = new GenericProvider(http, {
    baseUrl: simUrl,
    apiKey,
    maxSockets: APP.maxConnections,
    attemptTimeoutMs: settings.attemptTimeoutMs ?? APP.settings.attemptTimeoutMs,
    ...(ca ? { ca } : {}),
  });
  const ledger = new FirestoreLedger(runQuery, Date.now, limits ?? undefined);
  const handler = new PaymentHandler({
    ledger,
    provider,
    breaker: paymentBreaker,
    settings: { ...APP.settings, ...settings },
    seals: ledger.limitCopies && new LimitSeals(() => SEAL_KEY, ledger.limitCopies),
  });
  const refunds = {
    ledger: new FirestoreRefundLedger(runQuery, Date.now, limits ?? undefined, () => SEAL_KEY),
    incidents: ledger,
    provider: new GenericRefunds(provider.channel),
    breaker: paymentBreaker,
    settings: { ...APP.settings, ...settings },
    money: provider.money,
    emit: () => undefined,
  };
  const explorer = {
    ledger,
    reader: new FirestorePaymentReader(runQuery),
    refunds: refunds.ledger,
    money: provider.money,
    refundSeals: new FirestoreRefundSeals(runQuery, () => SEAL_KEY),
  };
  const metrics = { recordPoolUtilisation: () => undefined, recordPoolWait: () => undefined };
  const stats = new StatsPublisher({
    cfg: { VUE_APP_METRICS_INTERVAL: APP.metricsIntervalMs },
    queryPool,
    runQuery,
    breakers,
    http,
    shipper: null,
    metrics,
    incidents: new IncidentLog(`bench-instance-${seq}`),
    rejections: new RejectionCounter(),
  });
  return {
    db,
    rpcs,
    breaker: paymentBreaker,
    handler,
    /** processPayment's domain call plus the end-of-call stats publication (app/housekeeping.ts), as a callable runs them. */
    async pay(input, uid) {
      try {
        return await handler.processPayment(input, uid);
      } finally {
        await stats.publishIfDue();
      }
    },
    /** getPayment's domain call by admin `uid` (its answer carries the refund seal), plus the stats publication. */
    async getPayment(input, uid) {
      try {
        return await getPayment(explorer, input.transactionId, { uid, admin: true });
      } finally {
        await stats.publishIfDue();
      }
    },
    /** refundPayment's domain call by admin `uid`, plus the end-of-call stats publication. */
    async refund(input, uid) {
      try {
        return await refundPayment(refunds, input, { uid });
      } finally {
        await stats.publishIfDue();
      }
    },
    stop: async () => {
      http.destroy();
      await deleteApp(app);
    },
  };
}
