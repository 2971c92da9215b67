import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { InputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { LIMITS, startCloudWatchLocal } from './server.ts';
import type { CloudWatchLocal } from './server.ts';

const GROUP = '/test/payments';
const STREAM = 'fn-instance-1';
const HOUR = 3_600_000;

let local: CloudWatchLocal;
let client: CloudWatchLogsClient;

beforeAll(async () => {
  local = await startCloudWatchLocal({ port: 0 });
  client = new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint: local.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1, // the endpoint's answers are asserted, so no SDK retries
  });
});
afterAll(async () => {
  client.destroy();
  await local.close();
});
beforeEach(() => local.reset());

async function createStream(): Promise<void> {
  await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
}
const put = (logEvents: InputLogEvent[]) =>
  client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, logEvents }));
/** The error the SDK raised, with its name (= the service's __type) and HTTP status. */
async function sdkError(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
/** Raw JSON-protocol request, for what the SDK would never send. */
function raw(action: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${local.url}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `Logs_20140328.${action}`,
      Authorization:
        'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=00',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe('log groups and streams', () => {
  it('creates a group and a stream, and answers ResourceAlreadyExistsException on repeats', async () => {
    await createStream();
    expect(await sdkError(client.send(new CreateLogGroupCommand({ logGroupName: GROUP })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      status: 400,
    });
    expect(
      (await sdkError(client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM })))).name,
    ).toBe('ResourceAlreadyExistsException');
    const { logStreams } = await client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    expect(logStreams?.map((s) => s.logStreamName)).toEqual([STREAM]);
  });

  it('answers ResourceNotFoundException for a missing group or stream', async () => {
    expect((await sdkError(put([{ timestamp: Date.now(), message: 'x' }]))).name).toBe('ResourceNotFoundException');
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const err = await sdkError(put([{ timestamp: Date.now(), message: 'x' }]));
    expect(err).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
  });

  it('rejects invalid names', async () => {
    expect((await sdkError(client.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })))).name).toBe(
      'InvalidParameterException',
    );
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const bad = client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'a:b' }));
    expect((await sdkError(bad)).name).toBe('InvalidParameterException');
  });
});

describe('PutLogEvents, GetLogEvents, FilterLogEvents', () => {
  it('stores events and reads them back in order, with stream metadata', async () => {
    await createStream();
    const t = Date.now() - 1000;
    const res = await put([
      { timestamp: t, message: 'first é' },
      { timestamp: t + 1, message: 'second 😀' },
    ]);
    expect(res.nextSequenceToken).toBeTruthy();
    expect(res.rejectedLogEventsInfo).toBeUndefined();
    const got = await client.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, startFromHead: true }),
    );
    expect(got.events?.map((e) => [e.timestamp, e.message])).toEqual([
      [t, 'first é'],
      [t + 1, 'second 😀'],
    ]);
    const { logStreams } = await client.send(
      new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'fn-' }),
    );
    expect(logStreams?.[0]).toMatchObject({ firstEventTimestamp: t, lastEventTimestamp: t + 1 });
  });

  it('pages GetLogEvents forward with tokens', async () => {
    await createStream();
    const t = Date.now() - 1000;
    await put([0, 1, 2, 3, 4].map((i) => ({ timestamp: t + i, message: `m${i}` })));
    const base = { logGroupName: GROUP, logStreamName: STREAM, limit: 2 };
    const p1 = await client.send(new GetLogEventsCommand({ ...base, startFromHead: true }));
    const p2 = await client.send(new GetLogEventsCommand({ ...base, nextToken: p1.nextForwardToken }));
    const latest = await client.send(new GetLogEventsCommand(base));
    expect(p1.events?.map((e) => e.message)).toEqual(['m0', 'm1']);
    expect(p2.events?.map((e) => e.message)).toEqual(['m2', 'm3']);
    expect(latest.events?.map((e) => e.message)).toEqual(['m3', 'm4']);
  });

  it('filters by substring across streams', async () => {
    await createStream();
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'other' }));
    const t = Date.now() - 1000;
    await put([
      { timestamp: t, message: '{"event":"payment.succeeded"}' },
      { timestamp: t + 1, message: '{"event":"payment.failed"}' },
    ]);
    await client.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 'other',
        logEvents: [{ timestamp: t + 2, message: 'payment.failed again' }],
      }),
    );
    const res = await client.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '"payment.failed"' }),
    );
    expect(res.events?.map((e) => [e.logStreamName, e.message])).toEqual([
      [STREAM, '{"event":"payment.failed"}'],
      ['other', 'payment.failed again'],
    ]);
  });

  it('reports too old and too new events in rejectedLogEventsInfo and does not store them', async () => {
    await createStream();
    const now = Date.now();
    const oldRes = await put([
      { timestamp: now - 14 * 24 * HOUR - HOUR, message: 'old' },
      { timestamp: now - 14 * 24 * HOUR + HOUR, message: 'ok' },
    ]);
    expect(oldRes.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0 });
    const newRes = await put([
      { timestamp: now - 1000, message: 'ok2' },
      { timestamp: now + 3 * HOUR, message: 'future' },
    ]);
    expect(newRes.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    expect(local.groups()[0]!.streams[0]!.events.map((e) => e.message)).toEqual(['ok', 'ok2']);
  });
});

describe('PutLogEvents limits (InvalidParameterException)', () => {
  const now = () => Date.now() - HOUR;
  const events = (n: number, message = 'x') => Array.from({ length: n }, () => ({ timestamp: now(), message }));

  it('accepts 10,000 events and rejects 10,001', async () => {
    await createStream();
    await expect(put(events(LIMITS.maxEvents))).resolves.toBeDefined();
    expect((await sdkError(put(events(LIMITS.maxEvents + 1)))).name).toBe('InvalidParameterException');
  });

  it('accepts exactly 1,048,576 bytes (UTF-8 + 26 per event) and rejects one byte more', async () => {
    await createStream();
    // 4 events of 262,118 bytes = 1,048,576 bytes; the messages use 2-byte 'é'.
    const full = 'é'.repeat((LIMITS.maxEventBytes - LIMITS.perEventOverheadBytes) / 2);
    const t = now();
    const exact = [0, 1, 2, 3].map((i) => ({ timestamp: t + i, message: full }));
    await expect(put(exact)).resolves.toBeDefined();
    const oneMore = [
      ...exact.slice(0, 3),
      { timestamp: t + 3, message: full.slice(1) },
      { timestamp: t + 4, message: 'aaa' },
    ];
    // 3 full + (262,116 + 26) + (3 + 26) = 1,048,577 bytes.
    expect(await sdkError(put(oneMore))).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('Upload too large'),
    });
  });

  it('accepts an event of exactly 256 KB including overhead and rejects one byte more', async () => {
    await createStream();
    const max = LIMITS.maxEventBytes - LIMITS.perEventOverheadBytes;
    await expect(put([{ timestamp: now(), message: 'a'.repeat(max - 4) + '😀' }])).resolves.toBeDefined();
    const err = await sdkError(put([{ timestamp: now(), message: 'a'.repeat(max - 3) + '😀' }]));
    expect(err).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('Log event too large'),
    });
  });

  it('rejects events out of chronological order', async () => {
    await createStream();
    const t = now();
    const err = await sdkError(
      put([
        { timestamp: t + 1, message: 'b' },
        { timestamp: t, message: 'a' },
      ]),
    );
    expect(err).toEqual({
      name: 'InvalidParameterException',
      message: 'Log events in a single PutLogEvents request must be in chronological order.',
      status: 400,
    });
  });

  it('accepts a span of exactly 24 h and rejects 24 h + 1 ms', async () => {
    await createStream();
    const t = Date.now() - 25 * HOUR;
    await expect(
      put([
        { timestamp: t, message: 'a' },
        { timestamp: t + 24 * HOUR, message: 'b' },
      ]),
    ).resolves.toBeDefined();
    const err = await sdkError(
      put([
        { timestamp: t, message: 'a' },
        { timestamp: t + 24 * HOUR + 1, message: 'b' },
      ]),
    );
    expect(err.message).toContain('cannot span more than 24 hours');
  });

  it('rejects empty batches and empty messages', async () => {
    await createStream();
    expect((await sdkError(put([]))).name).toBe('InvalidParameterException');
    expect((await sdkError(put([{ timestamp: now(), message: '' }]))).name).toBe('InvalidParameterException');
    expect(local.groups()[0]!.streams[0]!.events).toHaveLength(0);
  });
});

describe('protocol strictness', () => {
  it('requires a SigV4 Authorization header but does not check the signature', async () => {
    await createStream();
    const res = await raw('DescribeLogStreams', { logGroupName: GROUP }, { Authorization: '' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    expect((await raw('DescribeLogStreams', { logGroupName: GROUP })).status).toBe(200);
  });

  it('rejects unknown actions, wrong content types and malformed JSON', async () => {
    expect(await (await raw('DeleteEverything', {})).json()).toMatchObject({ __type: 'UnknownOperationException' });
    const wrongType = await raw('CreateLogGroup', { logGroupName: 'g' }, { 'Content-Type': 'application/json' });
    expect(await wrongType.json()).toMatchObject({ __type: 'SerializationException' });
    const bad = await fetch(`${local.url}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'Logs_20140328.CreateLogGroup',
        Authorization: 'AWS4-HMAC-SHA256 x',
      },
      body: '{not json',
    });
    expect(await bad.json()).toMatchObject({ __type: 'SerializationException' });
  });
});

describe('fault control', () => {
  it('throttles `count` requests, then recovers', async () => {
    local.setFaults({ mode: 'throttle', count: 2 });
    const create = () => client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    expect((await sdkError(create())).name).toBe('ThrottlingException');
    expect((await sdkError(create())).name).toBe('ThrottlingException');
    await expect(create()).resolves.toBeDefined();
    expect(local.requests().map((r) => r.status)).toEqual([400, 400, 200]);
  });

  it('answers HTTP 500 in error500 mode, only for the selected actions', async () => {
    await createStream();
    local.setFaults({ mode: 'error500', actions: ['PutLogEvents'] });
    expect(await sdkError(put([{ timestamp: Date.now(), message: 'x' }]))).toMatchObject({
      name: 'ServiceUnavailableException',
      status: 500,
    });
    await expect(client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }))).resolves.toBeDefined();
  });

  it('holds requests open in hang mode until the client aborts', async () => {
    local.setFaults({ mode: 'hang' });
    const started = Date.now();
    const err = await sdkError(
      client.send(new CreateLogGroupCommand({ logGroupName: GROUP }), { abortSignal: AbortSignal.timeout(150) }),
    );
    expect(err.name).toBe('AbortError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is controlled over HTTP and exposes stored events', async () => {
    const put1 = await fetch(`${local.url}/__control/faults`, {
      method: 'PUT',
      body: JSON.stringify({ mode: 'throttle', count: 1 }),
    });
    expect(await put1.json()).toEqual({ mode: 'throttle', count: 1 });
    const bad = await fetch(`${local.url}/__control/faults`, {
      method: 'PUT',
      body: JSON.stringify({ mode: 'explode' }),
    });
    expect(bad.status).toBe(400);
    expect((await sdkError(client.send(new CreateLogGroupCommand({ logGroupName: GROUP })))).name).toBe(
      'ThrottlingException',
    );
    await createStream();
    await put([{ timestamp: Date.now() - 5, message: 'hello' }]);
    const res = await fetch(`${local.url}/__control/events?logGroup=${encodeURIComponent(GROUP)}`);
    const body = (await res.json()) as { events: { logStreamName: string; message: string }[] };
    expect(body.events.map((e) => [e.logStreamName, e.message])).toEqual([[STREAM, 'hello']]);
    const none = await fetch(`${local.url}/__control/events?logGroup=nope`);
    expect(await none.json()).toEqual({ events: [] });
  });

  it('validates faults set in-process', () => {
    expect(() => local.setFaults({ mode: 'boom' as 'none' })).toThrow(/Unknown fault mode/);
    expect(() => local.setFaults({ mode: 'throttle', count: 0 })).toThrow(/positive integer/);
  });
});

describe('main.ts', () => {
  it('starts on the given port (0 = any) and prints its URL', async () => {
    const main = path.join(import.meta.dirname, 'main.ts');
    const child = spawn(process.execPath, [main, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.once('exit', (code) => reject(new Error(`main.ts exited with ${code}`)));
      });
      const match = /^cloudwatch-local listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      expect(match).not.toBeNull();
      const res = await fetch(`${match![1]}/__control/faults`);
      expect(await res.json()).toEqual({ mode: 'none' });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses an invalid port with a clear message', async () => {
    const main = path.join(import.meta.dirname, 'main.ts');
    const child = spawn(process.execPath, [main, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('invalid port "abc"');
  });
});
