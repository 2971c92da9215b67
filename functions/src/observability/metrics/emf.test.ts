import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EMF_LIMITS, MetricsAggregator, buildEmfEvent, latencyBucket, type EmfEvent } from './emf.js';

/** Units allowed by the EMF specification (CloudWatch StandardUnit). */
const UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;

/** The EMF specification's root node and metric directive, as a schema. */
const emfSchema = z
  .object({
    _aws: z.object({
      Timestamp: z.number().int().nonnegative(),
      CloudWatchMetrics: z
        .array(
          z.object({
            Namespace: z.string().min(1).max(1024),
            Dimensions: z.array(z.array(z.string().min(1)).max(30)),
            Metrics: z.array(z.object({ Name: z.string().min(1).max(1024), Unit: z.enum(UNITS).optional() })).max(100),
          }),
        )
        .min(1),
    }),
  })
  .passthrough();

/** Validates the schema plus the member references the spec requires. */
function validateEmf(event: EmfEvent): void {
  emfSchema.parse(event);
  for (const directive of event._aws.CloudWatchMetrics) {
    for (const set of directive.Dimensions)
      for (const dim of set) expect(typeof event[dim], `dimension ${dim}`).toBe('string');
    for (const { Name } of directive.Metrics) {
      const v = event[Name];
      const ok =
        typeof v === 'number' || (Array.isArray(v) && v.length <= 100 && v.every((x) => typeof x === 'number'));
      expect(ok, `metric ${Name} value`).toBe(true);
    }
  }
  expect(JSON.parse(JSON.stringify(event))).toEqual(event);
}

const T0 = 1_700_000_000_000;

beforeEach(() => {
  process.env.FUNCTION_TARGET = 'processPayment';
});
afterEach(() => {
  delete process.env.FUNCTION_TARGET;
});

describe('buildEmfEvent', () => {
  it('puts metadata under _aws and dimension/metric values at the top level', () => {
    const event = buildEmfEvent({
      namespace: 'NS',
      timestamp: T0 + 0.7,
      dimensions: { Function: 'f', Outcome: 'succeeded' },
      metrics: [
        { name: 'Payments', unit: 'Count', value: 3 },
        { name: 'PaymentLatency', unit: 'Milliseconds', value: [10, 20] },
      ],
    });
    expect(event).toEqual({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          {
            Namespace: 'NS',
            Dimensions: [['Function', 'Outcome']],
            Metrics: [
              { Name: 'Payments', Unit: 'Count' },
              { Name: 'PaymentLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Function: 'f',
      Outcome: 'succeeded',
      Payments: 3,
      PaymentLatency: [10, 20],
    });
    validateEmf(event);
  });

  it('refuses more values, metrics or dimensions than EMF allows', () => {
    const base = { namespace: 'NS', timestamp: T0, dimensions: {} };
    expect(() =>
      buildEmfEvent({ ...base, metrics: [{ name: 'x', unit: 'Count', value: new Array(101).fill(1) }] }),
    ).toThrow(RangeError);
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `m${i}`, unit: 'Count' as const, value: 1 }));
    expect(() => buildEmfEvent({ ...base, metrics: many })).toThrow(RangeError);
    const dims = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'v']));
    expect(() => buildEmfEvent({ ...base, dimensions: dims, metrics: [] })).toThrow(RangeError);
  });
});

describe('MetricsAggregator', () => {
  const make = (enabled = true) => new MetricsAggregator({ enabled, intervalMs: 60_000, namespace: 'Pay', now: T0 });

  it('emits valid EMF for payments, latency, attempts, breaker transitions and pools', () => {
    const m = make();
    m.recordPayment({ outcome: 'succeeded', latencyMs: 120, attempts: 1 });
    m.recordPayment({ outcome: 'succeeded', latencyMs: 80, attempts: 2 });
    m.recordPayment({ outcome: 'failed', latencyMs: 900, attempts: 3 });
    m.recordBreakerTransition({ service: 'payment-api', to: 'open' });
    m.recordPoolUtilisation({ pool: 'http', percent: 75 });
    m.recordPoolUtilisation({ pool: 'http', percent: 140 });
    m.recordPoolWait({ pool: 'http', waitMs: 12 });
    m.recordPoolWait({ pool: 'http' });
    const events = m.drain(T0 + 60_000);
    for (const e of events) validateEmf(e);
    const find = (metric: string) => events.filter((e) => metric in e);
    expect(find('Payments').map((e) => [e.Outcome, e.Payments])).toEqual([
      ['succeeded', 2],
      ['failed', 1],
    ]);
    const overall = find('PaymentLatency').filter((e) => !('Outcome' in e));
    expect(overall).toHaveLength(1);
    expect(overall[0]).toMatchObject({
      Function: 'processPayment',
      PaymentLatency: [120, 80, 900],
      PaymentAttempts: [1, 2, 3],
    });
    expect(find('BreakerTransitions')[0]).toMatchObject({
      Service: 'payment-api',
      State: 'open',
      BreakerTransitions: 1,
    });
    expect(find('PoolUtilisation')[0]).toMatchObject({
      Pool: 'http',
      PoolUtilisation: [75, 100],
      PoolWaits: 2,
      PoolWaitTime: [12],
    });
    expect(find('PoolUtilisation')[0]!._aws.CloudWatchMetrics[0]!.Metrics).toContainEqual({
      Name: 'PoolUtilisation',
      Unit: 'Percent',
    });
    for (const e of events) expect(e._aws.Timestamp).toBe(T0 + 60_000);
  });

  it('respects the interval: nothing before it, everything at it, then a fresh interval', () => {
    const m = make();
    m.recordPayment({ outcome: 'succeeded' });
    expect(m.drain(T0 + 59_999)).toEqual([]);
    expect(m.drain(T0 + 60_000)).toHaveLength(1);
    m.recordPayment({ outcome: 'succeeded' });
    expect(m.drain(T0 + 60_001)).toEqual([]);
    const later = m.drain(T0 + 120_000);
    expect(later.map((e) => e.Payments)).toEqual([1]); // only what was recorded after the previous drain
    expect(m.drain(T0 + 500_000)).toEqual([]); // nothing recorded
  });

  it('drains early when forced', () => {
    const m = make();
    m.recordPoolWait({ pool: 'db' });
    expect(m.drain(T0 + 1, { force: true })).toHaveLength(1);
  });

  it('produces nothing when disabled', () => {
    const m = make(false);
    m.recordPayment({ outcome: 'succeeded', latencyMs: 5 });
    expect(m.drain(T0 + 10 * 60_000, { force: true })).toEqual([]);
  });

  it('splits more than 100 samples into several valid events and bounds kept samples', () => {
    const m = new MetricsAggregator({ enabled: true, intervalMs: 1, now: T0, maxSamplesPerSeries: 250 });
    for (let i = 0; i < 300; i++) m.recordPayment({ outcome: 'succeeded', latencyMs: i });
    const events = m.drain(T0 + 1).filter((e) => 'PaymentLatency' in e && !('Outcome' in e));
    for (const e of events) validateEmf(e);
    const values = events.flatMap((e) => e.PaymentLatency as number[]);
    expect(events.map((e) => (e.PaymentLatency as number[]).length)).toEqual([EMF_LIMITS.maxValues, 100, 50]);
    expect(values[0]).toBe(50); // oldest 50 discarded
    expect(values.at(-1)).toBe(299);
  });

  it('records call phases as CallPhaseLatency samples by Phase, one sample per attempt, bounded per series', () => {
    const m = new MetricsAggregator({ enabled: true, intervalMs: 1, now: T0, maxSamplesPerSeries: 150 });
    m.recordPhases({ claim: 4.2, attempts: [30, 12.5], finalize: 3 });
    for (let i = 0; i < 200; i++) m.recordPhases({ claim: i });
    const events = m.drain(T0 + 1);
    for (const e of events) validateEmf(e);
    const byPhase = (phase: string) =>
      events.filter((e) => e.Phase === phase).flatMap((e) => e.CallPhaseLatency as number[]);
    expect(byPhase('attempts')).toEqual([30, 12.5]);
    expect(byPhase('finalize')).toEqual([3]);
    const claims = byPhase('claim');
    expect(claims).toHaveLength(150);
    expect(claims.at(-1)).toBe(199);
    expect(events.filter((e) => e.Phase === 'lookup')).toEqual([]);
  });

  it('ignores non-finite values', () => {
    const m = make();
    m.recordPoolUtilisation({ pool: 'p', percent: Number.NaN });
    expect(m.drain(T0 + 60_000)).toEqual([]);
  });

  it('records latency per outcome with a fixed-bucket histogram, per-endpoint latency and rejections by reason', () => {
    const m = make();
    m.recordPayment({ outcome: 'succeeded', latencyMs: 90 });
    m.recordPayment({ outcome: 'succeeded', latencyMs: 100 });
    m.recordPayment({ outcome: 'PAYMENT_UNKNOWN', latencyMs: 25_000 });
    m.recordAttempt({ service: 'payment-service', endpoint: 'endpoint-1', latencyMs: 42 });
    m.recordRejection({ reason: 'breaker-open' });
    m.recordRejection({ reason: 'breaker-open' });
    const events = m.drain(T0 + 60_000);
    for (const e of events) validateEmf(e);
    const of = (dims: Record<string, string>) =>
      events.filter((e) => Object.entries(dims).every(([k, v]) => e[k] === v));
    expect(of({ Outcome: 'succeeded' })[0]).toMatchObject({ Payments: 2, PaymentLatency: [90, 100] });
    expect(of({ Outcome: 'PAYMENT_UNKNOWN' })[0]).toMatchObject({ Payments: 1, PaymentLatency: [25_000] });
    expect(of({ Bucket: 'le-100ms' })[0]).toMatchObject({ PaymentLatencyHistogram: 2 });
    expect(of({ Bucket: 'gt-10000ms' })[0]).toMatchObject({ PaymentLatencyHistogram: 1 });
    expect(of({ Service: 'payment-service', Endpoint: 'endpoint-1' })[0]).toMatchObject({ EndpointLatency: [42] });
    expect(of({ Reason: 'breaker-open' })[0]).toMatchObject({ PaymentRejections: 2 });
  });

  it('buckets latencies at inclusive upper bounds', () => {
    expect(latencyBucket(0)).toBe('le-100ms');
    expect(latencyBucket(100.5)).toBe('le-250ms');
    expect(latencyBucket(10_000)).toBe('le-10000ms');
    expect(latencyBucket(10_001)).toBe('gt-10000ms');
  });

  it('records breaker state time, ejections and limit changes; drain hooks run only when the drain emits', () => {
    const m = make();
    let hooked = 0;
    m.onDrain((now) => {
      hooked += 1;
      m.recordBreakerStateTime({ service: 'payment-service', state: 'open', ms: now - T0 });
    });
    m.recordEjection({ service: 'payment-service', endpoint: 'endpoint-2' });
    m.recordLimitChange({ pool: 'payment-service', from: 20, to: 10 });
    m.recordLimitChange({ pool: 'payment-service', from: 10, to: 11 });
    m.recordLimitChange({ pool: 'payment-service', from: 11, to: 11 });
    expect(m.drain(T0 + 1000)).toEqual([]);
    expect(hooked).toBe(0);
    const events = m.drain(T0 + 60_000);
    for (const e of events) validateEmf(e);
    expect(hooked).toBe(1);
    const one = (metric: string) => events.filter((e) => metric in e);
    expect(one('BreakerStateTime')[0]).toMatchObject({ State: 'open', BreakerStateTime: 60_000 });
    expect(one('EndpointEjections')[0]).toMatchObject({ Endpoint: 'endpoint-2', EndpointEjections: 1 });
    expect(one('ConcurrencyLimitChanges').map((e) => [e.Direction, e.ConcurrencyLimitChanges])).toEqual([
      ['down', 1],
      ['up', 1],
    ]);
    expect(one('ConcurrencyLimit')[0]).toMatchObject({ Pool: 'payment-service', ConcurrencyLimit: [10, 11] });
  });
});
