/**
 * The health check behind the `health` endpoint: runs one check per component
 * (Firestore round trip, provider health call, fleet breakers, CloudWatch
 * shipper, reconciliation backlog), judges them, and reuses the result for
 * `ttlMs`. Concurrent callers share one running check, so neither request rate
 * nor the number of callers can drive provider or Firestore traffic: each
 * instance sends at most one provider health request per `ttlMs`.
 */
import { performance } from 'node:perf_hooks';
import {
  BreakerState,
  HealthState,
  type BreakerView,
  type ComponentHealth,
  type DbPoolNumbers,
  type HealthCheckDetail,
  type HealthDeepReport,
  type HealthReport,
  type HttpPoolNumbers,
  type LedgerHealth,
  type ShipperStats,
} from '../api/index.js';
import type { HealthResult } from '../resilience/http/httpHealth.js';

/** The service whose breaker decides whether payments can be taken. */
export const CRITICAL_BREAKER = 'payment-service';

/** A provider health call's result, per endpoint when the provider has several. */
export type ProviderHealth = HealthResult & { endpoints?: Record<string, HealthResult> };

/** What the monitor reads; each check may reject or hang (bounded by `checkTimeoutMs`). */
export interface HealthSources {
  /** One Firestore read round trip. */
  firestore(): Promise<void>;
  provider(): Promise<ProviderHealth>;
  /** The shipper's health call; null when CloudWatch shipping is not configured. */
  cloudwatch: { check(): Promise<HealthResult>; stats(): ShipperStats } | null;
  /** Every breaker's fleet state, synced with the store where possible. */
  breakers(): Promise<Record<string, BreakerView>>;
  ledger(now: number): Promise<LedgerHealth>;
  /** This instance's identity and pools, read when the check ends. */
  local(): {
    instance: { instanceId: string; function: string };
    pools: { firestore: DbPoolNumbers; http: Record<string, HttpPoolNumbers | null> };
  };
}

/** Monitor settings. */
export interface HealthMonitorOptions {
  /** How long one check's result is reused [HEALTH_CACHE_MS]. */
  ttlMs: number;
  /** Longest wait for any one component's check. */
  checkTimeoutMs: number;
  /** An `unknown` payment older than this makes reconciliation degraded (three missed 5-minute passes). */
  unknownAgeLimitMs: number;
  now?: () => number;
}

type Timed<T> = { ok: true; value: T; latencyMs: number } | { ok: false; problem: string; latencyMs: number | null };

/** Runs one check with a deadline; the timer is cleared as soon as the check settles. */
async function timed<T>(check: () => Promise<T>, timeoutMs: number): Promise<Timed<T>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Timed<T>>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, problem: `no answer within ${timeoutMs} ms`, latencyMs: null }),
      timeoutMs,
    );
  });
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    return await Promise.race([
      // Through then(), so a check that throws before returning its promise is a failure too.
      Promise.resolve()
        .then(check)
        .then(
          (value): Timed<T> => ({ ok: true, value, latencyMs: ms() }),
          (err: unknown): Timed<T> => ({ ok: false, problem: problemOf(err), latencyMs: ms() }),
        ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** An error's stable code, never its message (which may carry a URL). */
function problemOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? `failed: ${code}` : 'failed';
}

const RANK: Record<HealthState, number> = { ok: 0, degraded: 1, down: 2 };
/** The worse of the states (down > degraded > ok). */
export function worstState(states: HealthState[]): HealthState {
  return states.reduce<HealthState>((w, s) => (RANK[s] > RANK[w] ? s : w), HealthState.ok);
}

function probeDetail(r: Timed<HealthResult>, failed: HealthState): HealthCheckDetail {
  if (!r.ok) return { state: failed, latencyMs: r.latencyMs, problem: r.problem };
  if (r.value.ok) return { state: HealthState.ok, latencyMs: r.value.latencyMs };
  return { state: failed, latencyMs: r.value.latencyMs, problem: r.value.error ?? 'unhealthy' };
}

function providerDetail(r: Timed<ProviderHealth>): HealthDeepReport['detail']['provider'] {
  const overall = probeDetail(r, HealthState.down);
  if (!r.ok || !r.value.endpoints) return overall;
  const endpoints = Object.fromEntries(
    Object.entries(r.value.endpoints).map(([label, e]) => [
      label,
      probeDetail({ ok: true, value: e, latencyMs: e.latencyMs }, HealthState.down),
    ]),
  );
  // Several endpoints: down only when none answers, degraded while some do not.
  const states = Object.values(endpoints).map((e) => e.state);
  const state = states.every((s) => s === HealthState.down)
    ? HealthState.down
    : worstState(states) === HealthState.ok
      ? HealthState.ok
      : HealthState.degraded;
  return { ...overall, state, endpoints };
}

function breakerState(service: string, view: BreakerView): HealthState {
  if (view.state === BreakerState.closed) return HealthState.ok;
  if (view.state === BreakerState.open && service === CRITICAL_BREAKER) return HealthState.down;
  return HealthState.degraded;
}

function reconciliationState(ledger: LedgerHealth | null, limitMs: number): HealthState {
  if (!ledger) return HealthState.degraded;
  const stale = ledger.oldestUnknownAgeMs !== null && ledger.oldestUnknownAgeMs > limitMs;
  return stale || ledger.expiredPending > 0 ? HealthState.degraded : HealthState.ok;
}

const only = (d: { state: HealthState }): ComponentHealth => ({ state: d.state });

/** The public part of a deep report: states only. */
export function publicReport(deep: HealthDeepReport): HealthReport {
  return { status: deep.status, checkedAt: deep.checkedAt, components: deep.components };
}

/** Runs and caches health checks for one instance. */
export class HealthMonitor {
  private cached: { report: HealthDeepReport; until: number } | null = null;
  private running: Promise<HealthDeepReport> | null = null;
  private readonly now: () => number;
  /** Checks run so far (not served from the cache). */
  checksRun = 0;

  constructor(
    private readonly sources: HealthSources,
    private readonly options: HealthMonitorOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The current report: cached while younger than ttlMs, else one shared run of every check. */
  check(): Promise<HealthDeepReport> {
    if (this.cached && this.now() < this.cached.until) return Promise.resolve(this.cached.report);
    this.running ??= this.run()
      .then((report) => {
        // Counted from when the check ended, so back-to-back slow checks still leave ttlMs between them.
        this.cached = { report, until: this.now() + this.options.ttlMs };
        return report;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<HealthDeepReport> {
    this.checksRun += 1;
    const checkedAt = this.now();
    const { sources: src, options: opt } = this;
    const t = opt.checkTimeoutMs;
    const shipper = src.cloudwatch;
    const [firestore, provider, cloudwatch, breakers, ledger] = await Promise.all([
      timed(() => src.firestore(), t),
      timed(() => src.provider(), t),
      shipper ? timed(() => shipper.check(), t) : null,
      timed(() => src.breakers(), t),
      timed(() => src.ledger(checkedAt), t),
    ]);
    const firestoreDetail: HealthCheckDetail = firestore.ok
      ? { state: HealthState.ok, latencyMs: firestore.latencyMs }
      : { state: HealthState.down, latencyMs: firestore.latencyMs, problem: firestore.problem };
    const providerView = providerDetail(provider);
    // CloudWatch is observability, not the payment path: at worst degraded.
    const cloudwatchDetail =
      shipper && cloudwatch ? { ...probeDetail(cloudwatch, HealthState.degraded), shipper: shipper.stats() } : null;
    const breakerViews = breakers.ok ? breakers.value : {};
    const breakerStates = Object.fromEntries(
      Object.entries(breakerViews).map(([name, view]) => [
        name,
        { state: breakerState(name, view), breaker: view.state },
      ]),
    );
    const ledgerHealth = ledger.ok ? ledger.value : null;
    const components: HealthReport['components'] = {
      firestore: only(firestoreDetail),
      provider: {
        state: providerView.state,
        ...(providerView.endpoints
          ? { endpoints: Object.fromEntries(Object.entries(providerView.endpoints).map(([k, v]) => [k, only(v)])) }
          : {}),
      },
      // Breakers that could not be read at all: the Firestore component already says down.
      breakers: breakerStates,
      cloudwatch: cloudwatchDetail
        ? { state: cloudwatchDetail.state, enabled: true }
        : { state: HealthState.ok, enabled: false },
      reconciliation: { state: reconciliationState(ledgerHealth, opt.unknownAgeLimitMs) },
    };
    const status = worstState([
      components.firestore.state,
      components.provider.state,
      components.cloudwatch.state,
      components.reconciliation.state,
      ...Object.values(breakerStates).map((b) => b.state),
    ]);
    return {
      status,
      checkedAt,
      components,
      detail: {
        ...src.local(),
        firestore: firestoreDetail,
        provider: providerView,
        cloudwatch: cloudwatchDetail,
        breakers: breakerViews,
        ledger: ledgerHealth,
      },
    };
  }
}
