/**
 * The shipper against the strict local CloudWatch Logs endpoint
 * (devtools/cloudwatch-local), over real HTTP with the real AWS SDK client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { logger } from 'firebase-functions';
import { CloudWatchShipper, type CloudWatchShipperOptions } from './cloudwatchShipper.js';
import { MetricsAggregator } from '../metrics/emf.js';
import { logEvent, setLogShipper } from '../logs/logger.js';
import { MAX_MESSAGE_BYTES, TRUNCATION_MARKER } from '../logs/logEvents.js';
import { clearRegisteredSecrets, registerSecret } from '../logs/redact.js';
import { TestShippers, useCloudWatchLocal } from '../testing/cloudwatchLocal.js';

const GROUP = '/test/payments';
const STREAM = 'processPayment-test';
const DAY = 24 * 3_600_000;

const endpoint = useCloudWatchLocal();
let reader: CloudWatchLogsClient;

const shippers = new TestShippers(() => ({
  logGroup: GROUP,
  logStream: STREAM,
  region: 'us-east-1',
  endpoint: endpoint().url,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  retryDelayMs: 20,
  flushBudgetMs: 3_000,
}));
const shipper = (over: Partial<CloudWatchShipperOptions> = {}) => shippers.make(over);
async function stored(stream = STREAM): Promise<string[]> {
  const out = await reader.send(
    new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true }),
  );
  return (out.events ?? []).map((e) => e.message ?? '');
}
const puts = () =>
  endpoint()
    .requests()
    .filter((r) => r.action === 'PutLogEvents');
/** The stored messages parsed back into events. */
const storedEvents = async (): Promise<Record<string, unknown>[]> =>
  (await stored()).map((m) => JSON.parse(m) as Record<string, unknown>);

beforeAll(() => {
  reader = new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint: endpoint().url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(() => {
  reader.destroy();
});
afterEach(() => {
  shippers.destroyAll();
  setLogShipper(null);
  clearRegisteredSecrets();
  vi.restoreAllMocks();
});

describe('CloudWatchShipper against the local endpoint', () => {
  it('creates the group and stream on first use and sends events sorted by timestamp', async () => {
    const s = shipper();
    const t = Date.now() - 10_000;
    s.enqueue({ event: 'c', timestamp: t + 2 });
    s.enqueue({ event: 'a', timestamp: t });
    s.enqueue({ event: 'b', timestamp: t + 1 });
    const result = await s.flush();
    expect(result).toEqual({ sent: 3, failed: 0, remaining: 0 });
    expect(
      endpoint()
        .requests()
        .map((r) => `${r.action}:${r.status}`),
    ).toEqual([
      'PutLogEvents:400', // ResourceNotFoundException: nothing exists yet
      'CreateLogGroup:200',
      'CreateLogStream:200',
      'PutLogEvents:200',
    ]);
    expect((await storedEvents()).map((e) => e.event)).toEqual(['a', 'b', 'c']);
    expect(s.stats()).toMatchObject({ enabled: true, buffered: 0, sent: 3, failed: 0, dropped: 0, lastError: null });
    expect(s.stats().lastSuccessAt).toBeGreaterThan(0);
  });

  it('treats an existing group or stream as success when creating them', async () => {
    const first = shipper();
    first.enqueue({ event: 'one', timestamp: Date.now() });
    await first.flush();
    const second = shipper({ logStream: 'another' }); // group exists, stream does not
    second.enqueue({ event: 'two', timestamp: Date.now() });
    expect(await second.flush()).toMatchObject({ sent: 1 });
    expect(
      endpoint()
        .requests()
        .filter((r) => r.action === 'CreateLogGroup')
        .map((r) => r.status),
    ).toEqual([200, 400]);
    expect(await stored('another')).toHaveLength(1);
  });

  it('defaults the stream name to <function>-<instanceId>', () => {
    const s = new CloudWatchShipper({ logGroup: GROUP, region: 'us-east-1' });
    shippers.track(s);
    expect(s.logStream).toMatch(/^[^:*]+-[0-9a-f-]{36}$/);
  });

  it('splits by event count so the strict endpoint accepts every request', async () => {
    const s = shipper({ maxBufferedEvents: 20_000 });
    const t = Date.now() - 60_000;
    for (let i = 0; i < 10_050; i++) s.enqueue({ event: 'e', i, timestamp: t + (i % 1000) });
    expect(await s.flush()).toEqual({ sent: 10_050, failed: 0, remaining: 0 });
    expect(
      puts()
        .filter((r) => r.status === 200)
        .map((r) => r.eventCount),
    ).toEqual([10_000, 50]);
  });

  it('truncates oversized events and splits by bytes', async () => {
    const s = shipper();
    const t = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) s.enqueue({ event: 'big', blob: 'é'.repeat(200_000), timestamp: t + i });
    expect(await s.flush()).toMatchObject({ sent: 5, failed: 0 });
    expect(
      puts()
        .filter((r) => r.status === 200)
        .map((r) => r.eventCount),
    ).toEqual([4, 1]);
    const messages = await stored();
    for (const m of messages) {
      expect(Buffer.byteLength(m)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(m.endsWith(TRUNCATION_MARKER)).toBe(true);
    }
  });

  it('never sends a batch spanning more than 24 hours', async () => {
    const s = shipper();
    const t = Date.now() - 3 * DAY;
    s.enqueue({ event: 'late', timestamp: t + DAY + 1 });
    s.enqueue({ event: 'early', timestamp: t });
    s.enqueue({ event: 'latest', timestamp: t + 2 * DAY + 5 });
    expect(await s.flush()).toMatchObject({ sent: 3, failed: 0 });
    expect(
      puts()
        .filter((r) => r.status === 200)
        .map((r) => r.eventCount),
    ).toEqual([1, 1, 1]);
  });

  it('bounds the buffer, dropping the oldest events and counting them', async () => {
    const s = shipper({ maxBufferedEvents: 5 });
    const t = Date.now() - 1000;
    for (let i = 0; i < 8; i++) s.enqueue({ event: `e${i}`, timestamp: t + i });
    expect(s.stats()).toMatchObject({ buffered: 5, dropped: 3 });
    await s.flush();
    expect((await storedEvents()).map((e) => e.event)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7']);
  });

  it('counts events the service refuses as too old as failed, and ships the rest', async () => {
    const s = shipper();
    const now = Date.now();
    s.enqueue({ event: 'ancient', timestamp: now - 15 * DAY });
    s.enqueue({ event: 'ancient2', timestamp: now - 15 * DAY + 1 });
    s.enqueue({ event: 'fresh', timestamp: now - 1000 });
    expect(await s.flush()).toMatchObject({ sent: 1, failed: 2, remaining: 0 });
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_EVENTS_REJECTED');
  });

  it('drops a batch the service rejects for a data reason instead of retrying it', async () => {
    const s = shipper({ logStream: 'bad:name' }); // the stream can never be created
    s.enqueue({ event: 'x', timestamp: Date.now() });
    expect(await s.flush()).toEqual({ sent: 0, failed: 1, remaining: 0 });
    expect(s.stats().lastError?.code).toBe('CLOUDWATCH_REJECTED');
    expect(s.stats().lastError?.message).toContain('InvalidParameterException');
    expect(
      endpoint()
        .requests()
        .filter((r) => r.action === 'CreateLogStream'),
    ).toHaveLength(1);
  });

  it('never lets a secret reach the endpoint (logger -> shipper -> GetLogEvents)', async () => {
    vi.spyOn(logger, 'write').mockImplementation(() => {});
    const s = shipper();
    setLogShipper(s);
    registerSecret('PAYKEY_live_0123456789');
    logEvent('payment.request', {
      transactionId: 'tx-42',
      apiKey: 'PAYKEY_live_0123456789',
      headers: { authorization: 'Bearer abc.def.ghi' },
      body: 'card=4111111111111111&key=PAYKEY_live_0123456789',
      nested: [{ password: 'hunter2', idToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' }],
    });
    await s.flush();
    const [message] = await stored();
    for (const secret of [
      'PAYKEY_live_0123456789',
      'abc.def.ghi',
      '4111111111111111',
      'hunter2',
      'eyJhbGciOiJIUzI1NiJ9',
    ]) {
      expect(message).not.toContain(secret);
    }
    expect(JSON.parse(message!)).toMatchObject({ event: 'payment.request', transactionId: 'tx-42' });
  });

  it('ships EMF records that can be read back with GetLogEvents', async () => {
    const s = shipper();
    const metrics = new MetricsAggregator({
      enabled: true,
      intervalMs: 60_000,
      namespace: 'Pay',
      now: Date.now() - 60_000,
    });
    metrics.recordPayment({ outcome: 'succeeded', latencyMs: 42, attempts: 1 });
    for (const e of metrics.drain()) s.enqueue(e);
    await s.flush();
    const [record] = await storedEvents();
    expect(record).toMatchObject({ Outcome: 'succeeded', Payments: 1 });
    const [directive] = (record?._aws as { CloudWatchMetrics: { Namespace: string; Metrics: unknown[] }[] })
      .CloudWatchMetrics;
    expect(directive?.Namespace).toBe('Pay');
    expect(directive?.Metrics).toContainEqual({ Name: 'Payments', Unit: 'Count' });
  });

  it('does nothing when disabled', async () => {
    const s = shipper({ enabled: false });
    s.enqueue({ event: 'x' });
    expect(await s.flush()).toEqual({ sent: 0, failed: 0, remaining: 0 });
    expect(s.stats()).toMatchObject({ enabled: false, buffered: 0 });
    expect(endpoint().requests()).toHaveLength(0);
  });

  it('shares one flush between concurrent callers', async () => {
    const s = shipper();
    s.enqueue({ event: 'x', timestamp: Date.now() });
    const [a, b] = await Promise.all([s.flush(), s.flush()]);
    expect(a).toBe(b);
    expect(puts().filter((r) => r.status === 200)).toHaveLength(1);
  });
});
