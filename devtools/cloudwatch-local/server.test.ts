// The endpoint's groups and streams, and how strictly it speaks the JSON 1.1 protocol.
import { describe, expect, it } from 'vitest';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GROUP, STREAM, sdkError, useCloudWatchLocal } from './testing.ts';

const f = useCloudWatchLocal();

describe('log groups and streams', () => {
  it('creates a group and a stream, and answers ResourceAlreadyExistsException on repeats', async () => {
    await f.createStream();
    expect(await sdkError(f.client.send(new CreateLogGroupCommand({ logGroupName: GROUP })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      status: 400,
    });
    expect(
      (await sdkError(f.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM })))).name,
    ).toBe('ResourceAlreadyExistsException');
    const { logStreams } = await f.client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    expect(logStreams?.map((s) => s.logStreamName)).toEqual([STREAM]);
  });

  it('answers ResourceNotFoundException for a missing group or stream', async () => {
    expect((await sdkError(f.put([{ timestamp: Date.now(), message: 'x' }]))).name).toBe('ResourceNotFoundException');
    await f.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const err = await sdkError(f.put([{ timestamp: Date.now(), message: 'x' }]));
    expect(err).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
  });

  it('rejects invalid names', async () => {
    expect((await sdkError(f.client.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })))).name).toBe(
      'InvalidParameterException',
    );
    await f.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const bad = f.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'a:b' }));
    expect((await sdkError(bad)).name).toBe('InvalidParameterException');
  });

  it('describes log groups by prefix, `limit` at a time, with a nextToken for the rest', async () => {
    for (const name of [`${GROUP}/b`, `${GROUP}/a`, '/other', `${GROUP}/c`])
      await f.client.send(new CreateLogGroupCommand({ logGroupName: name }));
    const describe = (limit?: number, nextToken?: string) =>
      f.client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP, limit, nextToken }));

    const first = await describe(2);
    const rest = await describe(2, first.nextToken);
    const one = await describe(1);

    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual([`${GROUP}/a`, `${GROUP}/b`]);
    expect(first.nextToken).toBeTruthy();
    expect(rest.logGroups?.map((g) => g.logGroupName)).toEqual([`${GROUP}/c`]);
    expect(rest.nextToken).toBeUndefined();
    expect(one.logGroups).toHaveLength(1);
    expect(one.logGroups?.[0]?.logGroupName).toBe(`${GROUP}/a`);
    expect(one.logGroups?.[0]?.creationTime).toBeGreaterThan(0);
    expect((await describe()).logGroups).toHaveLength(3);
  });

  it('answers DescribeLogGroups with an empty list when nothing matches, and refuses a bad limit', async () => {
    const none = await f.client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/nothing', limit: 1 }));
    expect(none.logGroups).toEqual([]);
    for (const limit of [0, 51]) {
      const err = await sdkError(f.client.send(new DescribeLogGroupsCommand({ limit })));
      expect(err).toEqual({
        name: 'InvalidParameterException',
        message: 'limit must be between 1 and 50.',
        status: 400,
      });
    }
    const badToken = await sdkError(f.client.send(new DescribeLogGroupsCommand({ nextToken: 's/1' })));
    expect(badToken.name).toBe('InvalidParameterException');
  });
});

describe('protocol strictness', () => {
  it('requires a SigV4 Authorization header but does not check the signature', async () => {
    await f.createStream();
    const res = await f.raw('DescribeLogStreams', { logGroupName: GROUP }, { Authorization: '' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    expect((await f.raw('DescribeLogStreams', { logGroupName: GROUP })).status).toBe(200);
  });

  it('rejects unknown actions, wrong content types and malformed JSON', async () => {
    expect(await (await f.raw('DeleteEverything', {})).json()).toMatchObject({ __type: 'UnknownOperationException' });
    const wrongType = await f.raw('CreateLogGroup', { logGroupName: 'g' }, { 'Content-Type': 'application/json' });
    expect(await wrongType.json()).toMatchObject({ __type: 'SerializationException' });
    const bad = await fetch(`${f.local.url}/`, {
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
