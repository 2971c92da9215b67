/**
 * CloudWatch Embedded Metric Format (EMF): log events that CloudWatch turns
 * into metrics on ingestion, so no PutMetricData call (and no extra latency) is
 * needed. Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * `MetricsAggregator` accumulates values in memory and `drain(now)` turns them
 * into EMF events at most once per interval; the caller enqueues those on the
 * CloudWatch shipper (drained inside a request, not by a background timer).
 */
import { functionName } from '../logs/instance.js';

/** Units used here (subset of the EMF/CloudWatch unit names). */
export const EmfUnits = { Count: 'Count', Milliseconds: 'Milliseconds', Percent: 'Percent', None: 'None' } as const;
export type EmfUnit = (typeof EmfUnits)[keyof typeof EmfUnits];

/** One metric of an EMF event: a single value or up to 100 values. */
export interface EmfMetric {
  name: string;
  unit: EmfUnit;
  value: number | number[];
}

/** An EMF log event: the `_aws` metadata plus dimension and metric members at the top level. */
export interface EmfEvent {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: EmfUnit }[] }[];
  };
  [member: string]: unknown;
}

/** EMF limits: values per metric array, metrics per directive, dimensions per set. */
export const EMF_LIMITS = { maxValues: 100, maxMetrics: 100, maxDimensions: 30 } as const;

/** Builds one EMF event; dimension values and metric values become top-level members. */
export function buildEmfEvent(input: {
  namespace: string;
  timestamp: number;
  dimensions: Record<string, string>;
  metrics: EmfMetric[];
}): EmfEvent {
  const dims = Object.keys(input.dimensions);
  if (dims.length > EMF_LIMITS.maxDimensions)
    throw new RangeError(`EMF allows at most ${EMF_LIMITS.maxDimensions} dimensions`);
  if (input.metrics.length > EMF_LIMITS.maxMetrics)
    throw new RangeError(`EMF allows at most ${EMF_LIMITS.maxMetrics} metrics per event`);
  const event: EmfEvent = {
    _aws: {
      Timestamp: Math.trunc(input.timestamp),
      CloudWatchMetrics: [
        {
          Namespace: input.namespace,
          Dimensions: [dims],
          Metrics: input.metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...input.dimensions,
  };
  for (const m of input.metrics) {
    if (Array.isArray(m.value) && m.value.length > EMF_LIMITS.maxValues)
      throw new RangeError(`EMF allows at most ${EMF_LIMITS.maxValues} values per metric`);
    event[m.name] = m.value;
  }
  return event;
}

/** Upper bounds (ms) of the PaymentLatencyHistogram buckets; slower payments fall in `gt-10000ms`. */
export const LATENCY_BUCKETS_MS = [100, 250, 500, 1000, 2500, 5000, 10_000] as const;

/** The histogram bucket of a latency: `le-100ms`, ..., `le-10000ms`, `gt-10000ms`. */
export function latencyBucket(ms: number): string {
  const bound = LATENCY_BUCKETS_MS.find((b) => ms <= b);
  return bound === undefined ? `gt-${LATENCY_BUCKETS_MS.at(-1)}ms` : `le-${bound}ms`;
}

/** Aggregator settings; the app's config keys are in brackets. */
export interface MetricsOptions {
  /** Whether metrics are produced at all [VUE_APP_ENABLE_METRICS]. */
  enabled: boolean;
  /** Minimum time between two drains that emit events, ms [VUE_APP_METRICS_INTERVAL]. */
  intervalMs?: number;
  /** CloudWatch namespace. */
  namespace?: string;
  /** Samples kept per series between drains (latency, utilisation); older ones are discarded. */
  maxSamplesPerSeries?: number;
  /** Time of creation, for the first interval (tests). */
  now?: number;
}

interface Series {
  dimensions: Record<string, string>;
  metrics: Map<string, { unit: EmfUnit; sum: number; samples: number[] | null }>;
}

/**
 * Accumulates metric values between drains. Counts are summed; latencies,
 * attempts and utilisation keep their samples (up to maxSamplesPerSeries) so
 * CloudWatch can compute percentiles.
 */
export class MetricsAggregator {
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly namespace: string;
  private readonly maxSamples: number;
  private readonly series = new Map<string, Series>();
  private readonly beforeDrain: ((now: number) => void)[] = [];
  private lastDrainAt: number;

  constructor(options: MetricsOptions) {
    this.enabled = options.enabled;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.namespace = options.namespace ?? 'ResilientPayments';
    this.maxSamples = options.maxSamplesPerSeries ?? 500;
    this.lastDrainAt = options.now ?? Date.now();
  }

  /**
   * One finished payment: counted by outcome; latency as samples overall and
   * per outcome (CloudWatch's p50/p95/p99 statistics read them), and counted
   * in one fixed latency bucket (the histogram); attempts as samples.
   */
  recordPayment(p: { outcome: string; latencyMs?: number; attempts?: number }): void {
    this.add({ Outcome: p.outcome }, 'Payments', EmfUnits.Count, 1, false);
    if (p.latencyMs !== undefined && Number.isFinite(p.latencyMs)) {
      this.add({}, 'PaymentLatency', EmfUnits.Milliseconds, p.latencyMs, true);
      this.add({ Outcome: p.outcome }, 'PaymentLatency', EmfUnits.Milliseconds, p.latencyMs, true);
      this.add({ Bucket: latencyBucket(p.latencyMs) }, 'PaymentLatencyHistogram', EmfUnits.Count, 1, false);
    }
    if (p.attempts !== undefined) this.add({}, 'PaymentAttempts', EmfUnits.Count, p.attempts, true);
  }

  /** One provider attempt's duration, per service and endpoint (`endpoint-1`, ... in the order configured). */
  recordAttempt(a: { service: string; endpoint: string; latencyMs: number }): void {
    this.add({ Service: a.service, Endpoint: a.endpoint }, 'EndpointLatency', EmfUnits.Milliseconds, a.latencyMs, true);
  }

  /**
   * The phases of one call (PhaseTimer), as samples of CallPhaseLatency by
   * Phase (a repeated phase gives one sample per run). The phase names are a
   * fixed set in code and each series keeps maxSamplesPerSeries, so a drain
   * stays bounded however many calls ran.
   */
  recordPhases(phasesMs: Readonly<Record<string, number | readonly number[]>>): void {
    for (const [phase, ms] of Object.entries(phasesMs)) {
      for (const v of typeof ms === 'number' ? [ms] : ms)
        this.add({ Phase: phase }, 'CallPhaseLatency', EmfUnits.Milliseconds, v, true);
    }
  }

  /** A payment refused before or instead of a charge, by reason (`breaker-open`, `user-rate`, ...). */
  recordRejection(r: { reason: string }): void {
    this.add({ Reason: r.reason }, 'PaymentRejections', EmfUnits.Count, 1, false);
  }

  /** Time this instance saw a breaker in one state since the last drain (BreakerStateClock). */
  recordBreakerStateTime(t: { service: string; state: string; ms: number }): void {
    this.add({ Service: t.service, State: t.state }, 'BreakerStateTime', EmfUnits.Milliseconds, t.ms, false);
  }

  /** An endpoint taken out of rotation (outlier ejection). */
  recordEjection(e: { service: string; endpoint: string }): void {
    this.add({ Service: e.service, Endpoint: e.endpoint }, 'EndpointEjections', EmfUnits.Count, 1, false);
  }

  /** An adaptive concurrency limit moved: counted by direction; the new limit as a sample. */
  recordLimitChange(c: { pool: string; from: number; to: number }): void {
    if (c.to === c.from) return;
    this.add(
      { Pool: c.pool, Direction: c.to > c.from ? 'up' : 'down' },
      'ConcurrencyLimitChanges',
      EmfUnits.Count,
      1,
      false,
    );
    this.add({ Pool: c.pool }, 'ConcurrencyLimit', EmfUnits.None, c.to, true);
  }

  /** A circuit-breaker state change. */
  recordBreakerTransition(t: { service: string; to: string }): void {
    this.add({ Service: t.service, State: t.to }, 'BreakerTransitions', EmfUnits.Count, 1, false);
  }

  /** A pool utilisation sample, in percent (0-100). */
  recordPoolUtilisation(p: { pool: string; percent: number }): void {
    this.add({ Pool: p.pool }, 'PoolUtilisation', EmfUnits.Percent, Math.min(100, Math.max(0, p.percent)), true);
  }

  /** A caller had to wait for a pool slot (waitMs = how long, when known). */
  recordPoolWait(p: { pool: string; waitMs?: number }): void {
    this.add({ Pool: p.pool }, 'PoolWaits', EmfUnits.Count, 1, false);
    if (p.waitMs !== undefined) this.add({ Pool: p.pool }, 'PoolWaitTime', EmfUnits.Milliseconds, p.waitMs, true);
  }

  /**
   * A ledger incident: a call that lost its claim, a lookup that found another amount, a charge no
   * record holds, a webhook event of a PaymentIntent that is not its record's, a late success (money wins), or a
   * refund of a PaymentIntent no record holds.
   */
  recordLedgerIncident(p: {
    kind: 'lostClaims' | 'mismatches' | 'orphanCharges' | 'foreignIntents' | 'lateSuccesses' | 'orphanRefunds';
  }): void {
    this.add({ Incident: p.kind }, 'LedgerIncidents', EmfUnits.Count, 1, false);
  }

  /** A dispute (chargeback) opened on a payment (alarm: docs/operations.md). */
  recordDisputeOpened(): void {
    this.add({}, 'DisputesOpened', EmfUnits.Count, 1, false);
  }

  /** One publish of an event for other systems (Eventarc): counted by type and outcome, its time sampled. */
  recordEventPublish(p: { eventType: string; outcome: string; latencyMs: number }): void {
    this.add({ EventType: p.eventType, Outcome: p.outcome }, 'PublishedEvents', EmfUnits.Count, 1, false);
    this.add({ Outcome: p.outcome }, 'EventPublishLatency', EmfUnits.Milliseconds, p.latencyMs, true);
  }

  /** What one reconciliation pass settled, and the ledger's undecided records after it. */
  recordReconciliation(p: {
    charged: number;
    notCharged: number;
    stillUnknown: number;
    errors: number;
    unknown: number;
    oldestUnknownAgeMs: number | null;
    expiredPending: number;
    /** Open disputes, and the time left to the earliest evidence deadline (null: none has one). */
    disputes?: { openDisputes: number; evidenceDueInMs: number | null };
  }): void {
    for (const outcome of ['charged', 'notCharged', 'stillUnknown', 'errors'] as const)
      this.add({ Outcome: outcome }, 'ReconciledPayments', EmfUnits.Count, p[outcome], false);
    this.add({}, 'UnknownPayments', EmfUnits.Count, p.unknown, true);
    this.add({}, 'ExpiredPendingPayments', EmfUnits.Count, p.expiredPending, true);
    if (p.oldestUnknownAgeMs !== null)
      this.add({}, 'OldestUnknownAge', EmfUnits.Milliseconds, p.oldestUnknownAgeMs, true);
    if (p.disputes) this.add({}, 'OpenDisputes', EmfUnits.Count, p.disputes.openDisputes, true);
    const dueIn = p.disputes?.evidenceDueInMs ?? null;
    if (dueIn !== null) this.add({}, 'DisputeEvidenceDueIn', EmfUnits.Milliseconds, dueIn, true);
  }

  /**
   * Returns the EMF events of everything recorded since the last emitting drain,
   * or [] when disabled, when less than intervalMs passed, or when nothing was
   * recorded. `force` ignores the interval (e.g. before an instance shuts down).
   */
  drain(now: number = Date.now(), options: { force?: boolean } = {}): EmfEvent[] {
    if (!this.enabled) return [];
    if (!options.force && now - this.lastDrainAt < this.intervalMs) return [];
    for (const hook of this.beforeDrain) hook(now);
    if (this.series.size === 0) return [];
    this.lastDrainAt = now;
    const events: EmfEvent[] = [];
    for (const s of this.series.values()) {
      const metrics: EmfMetric[] = [];
      const extra: EmfMetric[][] = [];
      for (const [name, m] of s.metrics) {
        if (!m.samples) {
          metrics.push({ name, unit: m.unit, value: m.sum });
          continue;
        }
        // Arrays hold at most 100 values: further chunks go into additional events.
        for (let i = 0; i < m.samples.length; i += EMF_LIMITS.maxValues) {
          const chunk = { name, unit: m.unit, value: m.samples.slice(i, i + EMF_LIMITS.maxValues) };
          const k = i / EMF_LIMITS.maxValues;
          if (k === 0) metrics.push(chunk);
          else (extra[k - 1] ??= []).push(chunk);
        }
      }
      for (const group of [metrics, ...extra]) {
        events.push(
          buildEmfEvent({ namespace: this.namespace, timestamp: now, dimensions: s.dimensions, metrics: group }),
        );
      }
    }
    this.series.clear();
    return events;
  }

  /** Runs `hook` at the start of every emitting drain, to record values that accrue over time (state durations). */
  onDrain(hook: (now: number) => void): void {
    this.beforeDrain.push(hook);
  }

  private add(dims: Record<string, string>, name: string, unit: EmfUnit, value: number, sampled: boolean): void {
    if (!this.enabled || !Number.isFinite(value)) return;
    const dimensions = { Function: functionName(), ...dims };
    const key = JSON.stringify(dimensions);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { dimensions, metrics: new Map() }));
    let m = s.metrics.get(name);
    if (!m) s.metrics.set(name, (m = { unit, sum: 0, samples: sampled ? [] : null }));
    m.sum += value;
    if (m.samples) {
      m.samples.push(value);
      if (m.samples.length > this.maxSamples) m.samples.shift();
    }
  }
}
