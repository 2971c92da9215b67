// Fault control (in-process and over HTTP) and the command-line entry point.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateLogGroupCommand, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GROUP, STREAM, sdkError, useCloudWatchLocal } from './testing.ts';

const f = useCloudWatchLocal();

describe('fault control', () => {
  it('throttles `count` requests, then recovers', async () => {
    f.local.setFaults({ mode: 'throttle', count: 2 });
    const create = () => f.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    expect((await sdkError(create())).name).toBe('ThrottlingException');
    expect((await sdkError(create())).name).toBe('ThrottlingException');
    await expect(create()).resolves.toBeDefined();
    expect(f.local.requests().map((r) => r.status)).toEqual([400, 400, 200]);
  });

  it('answers HTTP 500 in error500 mode, only for the selected actions', async () => {
    await f.createStream();
    f.local.setFaults({ mode: 'error500', actions: ['PutLogEvents'] });
    expect(await sdkError(f.put([{ timestamp: Date.now(), message: 'x' }]))).toMatchObject({
      name: 'ServiceUnavailableException',
      status: 500,
    });
    await expect(f.client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }))).resolves.toBeDefined();
  });

  it('holds requests open in hang mode until the client aborts', async () => {
    f.local.setFaults({ mode: 'hang' });
    const started = Date.now();
    const err = await sdkError(
      f.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }), { abortSignal: AbortSignal.timeout(150) }),
    );
    expect(err.name).toBe('AbortError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is controlled over HTTP and exposes stored events', async () => {
    const put1 = await fetch(`${f.local.url}/__control/faults`, {
      method: 'PUT',
      body: JSON.stringify({ mode: 'throttle', count: 1 }),
    });
    expect(await put1.json()).toEqual({ mode: 'throttle', count: 1 });
    const bad = await fetch(`${f.local.url}/__control/faults`, {
      method: 'PUT',
      body: JSON.stringify({ mode: 'explode' }),
    });
    expect(bad.status).toBe(400);
    expect((await sdkError(f.client.send(new CreateLogGroupCommand({ logGroupName: GROUP })))).name).toBe(
      'ThrottlingException',
    );
    await f.createStream();
    await f.put([{ timestamp: Date.now() - 5, message: 'hello' }]);
    const res = await fetch(`${f.local.url}/__control/events?logGroup=${encodeURIComponent(GROUP)}`);
    const body = (await res.json()) as { events: { logStreamName: string; message: string }[] };
    expect(body.events.map((e) => [e.logStreamName, e.message])).toEqual([[STREAM, 'hello']]);
    const none = await fetch(`${f.local.url}/__control/events?logGroup=nope`);
    expect(await none.json()).toEqual({ events: [] });
  });

  it('validates faults set in-process', () => {
    expect(() => f.local.setFaults({ mode: 'boom' as 'none' })).toThrow(/Unknown fault mode/);
    expect(() => f.local.setFaults({ mode: 'throttle', count: 0 })).toThrow(/positive integer/);
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
