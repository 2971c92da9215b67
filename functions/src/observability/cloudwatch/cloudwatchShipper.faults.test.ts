/**
 * The shipper under failure, against the local CloudWatch Logs endpoint
 * (devtools/cloudwatch-local) with its runtime fault control, over real HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchShipper, type CallGuard, type CloudWatchShipperOptions } from './cloudwatchShipper.js';
import { TestShippers, useCloudWatchLocal } from '../testing/cloudwatchLocal.js';
import { FleetCircuitBreaker, MemoryBreakerStore, type BreakerStore } from '../../resilience/breaker/index.js';

const endpoint = useCloudWatchLocal();

const shippers = new TestShippers(() => ({
  logGroup: '/test/faults',
  logStream: 'stream-1',
  region: 'us-east-1',
  endpoint: endpoint().url,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  retryAttempts: 3,
  retryDelayMs: 25,
  flushBudgetMs: 3_000,
}));
const shipper = (over: Partial<CloudWatchShipperOptions> = {}) => shippers.make(over);
/** Requests before this index belong to the test's setup (see `prime`). */
let offset = 0;
const puts = () =>
  endpoint()
    .requests()
    .slice(offset)
    .filter((r) => r.action === 'PutLogEvents');
const storedEvents = () =>
  endpoint()
    .groups()
    .flatMap((g) => g.streams.flatMap((s) => s.events.map((e) => (JSON.parse(e.message) as { event: string }).event)));
/** Timestamp of the last filled event. */
let lastFilled = 0;
/**
 * Enqueues `n` events a second in the past, each strictly later than every event filled before: CloudWatch
 * orders events by time, so the stored order is the enqueue order even when two fills fall within a few ms.
 */
function fill(s: CloudWatchShipper, n: number, prefix = 'e'): void {
  for (let i = 0; i < n; i++) {
    lastFilled = Math.max(Date.now() - 1000, lastFilled + 1);
    s.enqueue({ event: `${prefix}${i}`, timestamp: lastFilled });
  }
}
/** Creates group and stream, so later requests go straight to PutLogEvents. */
async function prime(s: CloudWatchShipper): Promise<void> {
  s.enqueue({ event: 'prime', timestamp: Date.now() - 2000 });
  expect(await s.flush()).toMatchObject({ sent: 1 });
  offset = endpoint().requests().length;
}

beforeEach(() => {
  offset = 0;
});
afterEach(() => {
  shippers.destroyAll();
  endpoint().setFaults({ mode: 'none' });
});

describe('throttling and server errors', () => {
  it('backs off exponentially on ThrottlingException and then succeeds', async () => {
    const s = shipper();
    await prime(s);
    endpoint().setFaults({ mode: 'throttle', count: 2, actions: ['PutLogEvents'] });
    fill(s, 3);
    expect(await s.flush()).toEqual({ sent: 3, failed: 0, remaining: 0 });
    const p = puts();
    expect(p.map((r) => r.status)).toEqual([400, 400, 200]);
    expect(p[1]!.at - p[0]!.at).toBeGreaterThanOrEqual(20); // 25 ms
    expect(p[2]!.at - p[1]!.at).toBeGreaterThanOrEqual(45); // 50 ms
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_THROTTLED'); // the last failure stays visible
  });

  it('gives up after retryAttempts and keeps the events buffered', async () => {
    const s = shipper({ retryAttempts: 2 });
    await prime(s);
    endpoint().setFaults({ mode: 'throttle', actions: ['PutLogEvents'] });
    fill(s, 4);
    expect(await s.flush()).toEqual({ sent: 0, failed: 0, remaining: 4 });
    expect(puts()).toHaveLength(3); // first attempt + 2 retries
    expect(s.stats()).toMatchObject({ buffered: 4, failed: 0, lastError: { code: 'CLOUDWATCH_THROTTLED' } });
    endpoint().setFaults({ mode: 'none' });
    expect(await s.flush()).toMatchObject({ sent: 4, remaining: 0 });
    expect(storedEvents()).toEqual(['prime', 'e0', 'e1', 'e2', 'e3']);
  });

  it('retries HTTP 500 answers', async () => {
    const s = shipper();
    await prime(s);
    endpoint().setFaults({ mode: 'error500', count: 1, actions: ['PutLogEvents'] });
    fill(s, 2);
    expect(await s.flush()).toMatchObject({ sent: 2 });
    expect(puts().map((r) => r.status)).toEqual([500, 200]);
  });

  it('does not wait for a back-off that would overrun the budget', async () => {
    const s = shipper({ retryDelayMs: 1_000, flushBudgetMs: 300 });
    await prime(s);
    endpoint().setFaults({ mode: 'throttle', actions: ['PutLogEvents'] });
    fill(s, 2);
    const started = Date.now();
    expect(await s.flush()).toMatchObject({ sent: 0, remaining: 2 });
    expect(Date.now() - started).toBeLessThan(300);
    expect(puts()).toHaveLength(1);
  });
});

describe('hangs, timeouts and unreachable endpoints', () => {
  it('returns within the budget when the endpoint hangs, keeping events buffered in order', async () => {
    const s = shipper();
    await prime(s);
    endpoint().setFaults({ mode: 'hang', actions: ['PutLogEvents'] });
    fill(s, 3);
    const started = Date.now();
    const result = await s.flush({ budgetMs: 250 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(240);
    expect(took).toBeLessThan(250 + 150);
    expect(result).toEqual({ sent: 0, failed: 0, remaining: 3 });
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_FLUSH_BUDGET_EXCEEDED');
    fill(s, 1, 'later');
    endpoint().setFaults({ mode: 'none' });
    expect(await s.flush()).toMatchObject({ sent: 4, remaining: 0 });
    expect(storedEvents()).toEqual(['prime', 'e0', 'e1', 'e2', 'later0']);
  });

  it('times out a single request after timeoutMs and retries it within the budget', async () => {
    const s = shipper({ timeoutMs: 100 });
    await prime(s);
    endpoint().setFaults({ mode: 'hang', count: 1, actions: ['PutLogEvents'] });
    fill(s, 1);
    expect(await s.flush({ budgetMs: 2_000 })).toMatchObject({ sent: 1, remaining: 0 });
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_TIMEOUT');
  });

  it('never throws when the endpoint is unreachable', async () => {
    const s = shipper({ endpoint: 'http://127.0.0.1:1', retryAttempts: 1 });
    fill(s, 2);
    await expect(s.flush({ budgetMs: 500 })).resolves.toEqual({ sent: 0, failed: 0, remaining: 2 });
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_NETWORK');
  });

  it('keeps only the newest events when the buffer overflows during an outage', async () => {
    const s = shipper({ maxBufferedEvents: 4, retryAttempts: 0 });
    await prime(s);
    endpoint().setFaults({ mode: 'throttle', actions: ['PutLogEvents'] });
    fill(s, 3, 'a');
    await s.flush();
    fill(s, 3, 'b');
    expect(s.stats()).toMatchObject({ buffered: 4, dropped: 2 });
    endpoint().setFaults({ mode: 'none' });
    await s.flush();
    expect(storedEvents()).toEqual(['prime', 'a2', 'b0', 'b1', 'b2']);
  });
});

describe('guard (circuit breaker hook)', () => {
  it('runs every network attempt through the guard and lets data refusals pass as answers', async () => {
    const outcomes: string[] = [];
    const guard: CallGuard = {
      async execute(fn) {
        try {
          const v = await fn(new AbortController().signal);
          outcomes.push('ok');
          return v;
        } catch (err) {
          outcomes.push((err as Error).name);
          throw err;
        }
      },
    };
    const s = shipper({ guard });
    endpoint().setFaults({ mode: 'throttle', count: 1, actions: ['PutLogEvents'] });
    fill(s, 1);
    await s.flush();
    expect(outcomes).toEqual(['ThrottlingException', 'ok']);
    const bad = shipper({ guard, logStream: 'bad:name' });
    fill(bad, 1);
    expect(await bad.flush()).toMatchObject({ failed: 1 });
    expect(outcomes.at(-1)).toBe('ok'); // InvalidParameterException is not an outage
  });

  it('keeps events buffered when the guard refuses the call', async () => {
    const refusal = Object.assign(new Error('Circuit open for cloudwatch-logs'), { code: 'BREAKER_OPEN' });
    const s = shipper({ guard: { execute: () => Promise.reject(refusal) } });
    fill(s, 2);
    expect(await s.flush()).toEqual({ sent: 0, failed: 0, remaining: 2 });
    expect(endpoint().requests()).toHaveLength(0);
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_GUARD_REJECTED');
    expect(s.stats().lastError?.message).toContain('BREAKER_OPEN');
  });

  it("prepare starts a fleet breaker's due refresh, so the flush sends without reading it again; nothing when off", async () => {
    const memory = new MemoryBreakerStore();
    let reads = 0;
    const counted: BreakerStore = {
      read: (service) => (reads++, memory.read(service)),
      transact: (service, fn) => memory.transact(service, fn),
    };
    // Wired as app/runtime.ts wires the shipper's breaker.
    const breaker = new FleetCircuitBreaker('cloudwatch-logs', counted, { refreshMs: 1_000 });
    const guard: CallGuard = {
      execute: (fn) =>
        breaker.execute(
          () => fn(new AbortController().signal),
          () => 'success',
        ),
      prefetch: () => breaker.prefetch(),
    };
    shipper({ guard, enabled: false }).prepare();
    expect(reads).toBe(0);
    const s = shipper({ guard });
    s.prepare();
    expect(reads).toBe(1);
    fill(s, 1);
    expect(await s.flush()).toMatchObject({ sent: 1, remaining: 0 });
    // Every attempt (the first put, refused until the stream is created, and the second) used the prefetched copy.
    expect(puts().length).toBeGreaterThan(0);
    expect(reads).toBe(1);
  });

  it('aborts the attempt when the guard aborts its signal', async () => {
    const s = shipper({
      guard: {
        execute(fn) {
          const c = new AbortController();
          setTimeout(() => c.abort(), 50).unref();
          return fn(c.signal);
        },
      },
      retryAttempts: 0,
    });
    endpoint().setFaults({ mode: 'hang' });
    fill(s, 1);
    const started = Date.now();
    expect(await s.flush({ budgetMs: 2_000 })).toMatchObject({ remaining: 1 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
