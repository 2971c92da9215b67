/** Contract-shaped sample data for the component tests. */
import type {
  ConnectionPoolStats,
  DatabasePoolStatus,
  DbPoolNumbers,
  HealthDeepReport,
  LedgerHealth,
  ProviderConcurrency,
  ReconcileReport,
  RejectionCounts,
  ServiceStats,
  ShipperStats,
} from '../api/types';

/** A fixed "now" the fake clock starts at (2026-01-01T12:00:00Z). */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function poolNumbers(overrides: Partial<DbPoolNumbers> = {}): DbPoolNumbers {
  return {
    max: 10,
    active: 3,
    idle: 5,
    pending: 1,
    acquired: 120,
    acquireTimeouts: 2,
    queryTimeouts: 1,
    retries: 4,
    errors: 0,
    abandoned: 0,
    acquireWaitMs: { p50: 1.5, p99: 40 },
    queryMs: { p50: 12, p95: 80, p99: 1250 },
    ...overrides,
  };
}

export function dbStatus(overrides: Partial<DatabasePoolStatus> = {}): DatabasePoolStatus {
  return {
    status: 'healthy',
    at: T0,
    fleet: poolNumbers(),
    instances: [
      { ...poolNumbers({ active: 2 }), instanceId: 'inst-a', function: 'processPayment', updatedAt: T0 - 2000 },
      { ...poolNumbers({ active: 1 }), instanceId: 'inst-b', function: 'getDatabasePoolStatus', updatedAt: T0 - 4000 },
    ],
    ...overrides,
  };
}

export function serviceStats(overrides: Partial<ServiceStats> = {}): ServiceStats {
  return {
    breaker: { state: 'closed', failureRate: 0.05, calls: 40, openedAt: null, nextProbeAt: null },
    pool: {
      maxSockets: 50,
      activeSockets: 2,
      peakActiveSockets: 4,
      freeSockets: 3,
      queued: 0,
      socketsCreated: 7,
      socketsClosed: 2,
      socketErrors: 0,
      requests: 40,
      timeouts: 1,
      failures: 2,
    },
    latencyMs: { p50: 20, p95: 90, p99: null },
    health: { ok: null, checkedAt: null, latencyMs: null },
    ...overrides,
  };
}

export function shipper(overrides: Partial<ShipperStats> = {}): ShipperStats {
  return {
    enabled: true,
    buffered: 4,
    sent: 1200,
    failed: 3,
    dropped: 1,
    failedSends: 2,
    lastError: { code: 'THROTTLED', message: 'Rate exceeded', at: T0 - 60_000 },
    lastSuccessAt: T0 - 5000,
    ...overrides,
  };
}

/** A ledger with nothing undecided, no incidents and no reconciliation yet. */
export function ledgerHealth(overrides: Partial<LedgerHealth> = {}): LedgerHealth {
  return {
    unknown: 0,
    oldestUnknownAgeMs: null,
    waiting: 0,
    expiredPending: 0,
    lostClaims: 0,
    lateSuccesses: 0,
    openDisputes: 0,
    nextEvidenceDueAt: null,
    orphanRefunds: 0,
    mismatches: 0,
    orphanCharges: 0,
    foreignIntents: 0,
    pendingRefunds: 0,
    unknownRefunds: 0,
    lastRun: null,
    ...overrides,
  };
}

/** A complete pass 3 min before T0 that settled 11 of 12 records. */
export function reconcileReport(overrides: Partial<ReconcileReport> = {}): ReconcileReport {
  return {
    at: T0 - 180_000,
    durationMs: 1250,
    examined: 12,
    charged: 3,
    notCharged: 8,
    waiting: 0,
    stillUnknown: 1,
    mismatches: 0,
    skipped: 0,
    errors: 0,
    complete: true,
    ...overrides,
  };
}

/** The default budget (100 over 10 instances) with 2 requests in flight and a peak of 7. */
export function providerConcurrency(overrides: Partial<ProviderConcurrency> = {}): ProviderConcurrency {
  return { budget: 100, maxInstances: 10, capPerInstance: 10, inFlight: 2, peakInFlight: 7, ...overrides };
}

export function rejections(overrides: Partial<RejectionCounts> = {}): RejectionCounts {
  return {
    'app-check-missing': 7,
    'app-check-invalid': 2,
    'app-check-replayed': 0,
    'user-rate': 4,
    'user-in-flight': 1,
    ...overrides,
  };
}

export function connectionStats(overrides: Partial<ConnectionPoolStats> = {}): ConnectionPoolStats {
  const services = {
    'payment-service': serviceStats({
      breaker: { state: 'open', failureRate: 0.6, calls: 20, openedAt: T0 - 10_000, nextProbeAt: T0 + 20_000 },
    }),
    'cloudwatch-logs': serviceStats(),
  };
  return {
    at: T0,
    paymentProvider: 'generic',
    services,
    providerConcurrency: providerConcurrency(),
    instances: [
      {
        instanceId: 'inst-a',
        function: 'processPayment',
        updatedAt: T0 - 1000,
        services,
        cloudwatch: shipper(),
        rejections: rejections(),
      },
    ],
    ledger: ledgerHealth(),
    cloudwatch: shipper(),
    rejections: rejections(),
    appCheck: { enforced: true, replayProtection: false },
    ...overrides,
  };
}

export function healthReport(overrides: Partial<HealthDeepReport> = {}): HealthDeepReport {
  const closed = { state: 'closed', failureRate: 0, calls: 0, openedAt: null, nextProbeAt: null } as const;
  return {
    status: 'ok',
    checkedAt: T0 - 2000,
    components: {
      firestore: { state: 'ok' },
      provider: { state: 'ok' },
      breakers: { 'payment-service': { state: 'ok', breaker: 'closed' } },
      cloudwatch: { state: 'ok', enabled: true },
      reconciliation: { state: 'ok' },
    },
    detail: {
      instance: { instanceId: 'inst-health', function: 'health' },
      firestore: { state: 'ok', latencyMs: 3.2 },
      provider: { state: 'ok', latencyMs: 12 },
      cloudwatch: { state: 'ok', latencyMs: 20, shipper: shipper() },
      breakers: { 'payment-service': closed },
      ledger: ledgerHealth(),
      pools: { firestore: poolNumbers(), http: { 'payment-service': serviceStats().pool } },
    },
    ...overrides,
  };
}
