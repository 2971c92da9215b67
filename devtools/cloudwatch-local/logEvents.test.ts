// PutLogEvents, GetLogEvents and FilterLogEvents, and the PutLogEvents limits of the real service.
import { describe, expect, it } from 'vitest';
import {
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { LIMITS } from './server.ts';
import { GROUP, HOUR, STREAM, sdkError, useCloudWatchLocal } from './testing.ts';

const f = useCloudWatchLocal();

describe('PutLogEvents, GetLogEvents, FilterLogEvents', () => {
  it('stores events and reads them back in order, with stream metadata', async () => {
    await f.createStream();
    const t = Date.now() - 1000;
    const res = await f.put([
      { timestamp: t, message: 'first é' },
      { timestamp: t + 1, message: 'second 😀' },
    ]);
    expect(res.nextSequenceToken).toBeTruthy();
    expect(res.rejectedLogEventsInfo).toBeUndefined();
    const got = await f.client.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, startFromHead: true }),
    );
    expect(got.events?.map((e) => [e.timestamp, e.message])).toEqual([
      [t, 'first é'],
      [t + 1, 'second 😀'],
    ]);
    const { logStreams } = await f.client.send(
      new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'fn-' }),
    );
    expect(logStreams?.[0]).toMatchObject({ firstEventTimestamp: t, lastEventTimestamp: t + 1 });
  });

  it('pages GetLogEvents forward with tokens', async () => {
    await f.createStream();
    const t = Date.now() - 1000;
    await f.put([0, 1, 2, 3, 4].map((i) => ({ timestamp: t + i, message: `m${i}` })));
    const base = { logGroupName: GROUP, logStreamName: STREAM, limit: 2 };
    const p1 = await f.client.send(new GetLogEventsCommand({ ...base, startFromHead: true }));
    const p2 = await f.client.send(new GetLogEventsCommand({ ...base, nextToken: p1.nextForwardToken }));
    const latest = await f.client.send(new GetLogEventsCommand(base));
    expect(p1.events?.map((e) => e.message)).toEqual(['m0', 'm1']);
    expect(p2.events?.map((e) => e.message)).toEqual(['m2', 'm3']);
    expect(latest.events?.map((e) => e.message)).toEqual(['m3', 'm4']);
  });

  it('filters by substring across streams', async () => {
    await f.createStream();
    await f.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'other' }));
    const t = Date.now() - 1000;
    await f.put([
      { timestamp: t, message: '{"event":"payment.succeeded"}' },
      { timestamp: t + 1, message: '{"event":"payment.failed"}' },
    ]);
    await f.client.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 'other',
        logEvents: [{ timestamp: t + 2, message: 'payment.failed again' }],
      }),
    );
    const res = await f.client.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '"payment.failed"' }),
    );
    expect(res.events?.map((e) => [e.logStreamName, e.message])).toEqual([
      [STREAM, '{"event":"payment.failed"}'],
      ['other', 'payment.failed again'],
    ]);
  });

  it('reports too old and too new events in rejectedLogEventsInfo and does not store them', async () => {
    await f.createStream();
    const now = Date.now();
    const oldRes = await f.put([
      { timestamp: now - 14 * 24 * HOUR - HOUR, message: 'old' },
      { timestamp: now - 14 * 24 * HOUR + HOUR, message: 'ok' },
    ]);
    expect(oldRes.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0 });
    const newRes = await f.put([
      { timestamp: now - 1000, message: 'ok2' },
      { timestamp: now + 3 * HOUR, message: 'future' },
    ]);
    expect(newRes.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    expect(f.local.groups()[0]!.streams[0]!.events.map((e) => e.message)).toEqual(['ok', 'ok2']);
  });
});

describe('PutLogEvents limits (InvalidParameterException)', () => {
  const now = () => Date.now() - HOUR;
  const events = (n: number, message = 'x') => Array.from({ length: n }, () => ({ timestamp: now(), message }));

  it('accepts 10,000 events and rejects 10,001', async () => {
    await f.createStream();
    await expect(f.put(events(LIMITS.maxEvents))).resolves.toBeDefined();
    expect((await sdkError(f.put(events(LIMITS.maxEvents + 1)))).name).toBe('InvalidParameterException');
  });

  it('accepts exactly 1,048,576 bytes (UTF-8 + 26 per event) and rejects one byte more', async () => {
    await f.createStream();
    // 4 events of 262,118 bytes = 1,048,576 bytes; the messages use 2-byte 'é'.
    const full = 'é'.repeat((LIMITS.maxEventBytes - LIMITS.perEventOverheadBytes) / 2);
    const t = now();
    const exact = [0, 1, 2, 3].map((i) => ({ timestamp: t + i, message: full }));
    await expect(f.put(exact)).resolves.toBeDefined();
    const oneMore = [
      ...exact.slice(0, 3),
      { timestamp: t + 3, message: full.slice(1) },
      { timestamp: t + 4, message: 'aaa' },
    ];
    // 3 full + (262,116 + 26) + (3 + 26) = 1,048,577 bytes.
    const err = await sdkError(f.put(oneMore));
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toContain('Upload too large');
  });

  it('accepts an event of exactly 256 KB including overhead and rejects one byte more', async () => {
    await f.createStream();
    const max = LIMITS.maxEventBytes - LIMITS.perEventOverheadBytes;
    await expect(f.put([{ timestamp: now(), message: 'a'.repeat(max - 4) + '😀' }])).resolves.toBeDefined();
    const err = await sdkError(f.put([{ timestamp: now(), message: 'a'.repeat(max - 3) + '😀' }]));
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toContain('Log event too large');
  });

  it('rejects events out of chronological order', async () => {
    await f.createStream();
    const t = now();
    const err = await sdkError(
      f.put([
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
    await f.createStream();
    const t = Date.now() - 25 * HOUR;
    await expect(
      f.put([
        { timestamp: t, message: 'a' },
        { timestamp: t + 24 * HOUR, message: 'b' },
      ]),
    ).resolves.toBeDefined();
    const err = await sdkError(
      f.put([
        { timestamp: t, message: 'a' },
        { timestamp: t + 24 * HOUR + 1, message: 'b' },
      ]),
    );
    expect(err.message).toContain('cannot span more than 24 hours');
  });

  it('rejects empty batches and empty messages', async () => {
    await f.createStream();
    expect((await sdkError(f.put([]))).name).toBe('InvalidParameterException');
    expect((await sdkError(f.put([{ timestamp: now(), message: '' }]))).name).toBe('InvalidParameterException');
    expect(f.local.groups()[0]!.streams[0]!.events).toHaveLength(0);
  });
});
