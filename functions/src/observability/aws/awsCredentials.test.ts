/**
 * The credential cache on a fake clock with a scripted fetcher: when it
 * fetches, shares, refreshes, falls back, backs off and gives up waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCredentialsError, CachedCredentials, type AwsCredentials } from './awsCredentials.js';
import { clearRegisteredSecrets, redactString } from '../logs/redact.js';

const MINUTE = 60_000;
let clock = 1_000_000;
const now = () => clock;

/** A fetcher whose answers the test scripts; it records its calls. */
function scripted() {
  let n = 0;
  const calls: AbortSignal[] = [];
  const queue: (() => Promise<AwsCredentials>)[] = [];
  const creds = (lifetimeMs?: number): AwsCredentials => {
    n++;
    return {
      accessKeyId: `ASIA${n}`,
      secretAccessKey: `secret-${n}-xxxxxxxx`,
      sessionToken: `token-${n}-xxxxxxxx`,
      ...(lifetimeMs === undefined ? {} : { expiration: new Date(clock + lifetimeMs) }),
    };
  };
  return {
    calls,
    /** Next fetch answers credentials living `lifetimeMs` (none: long-term keys). */
    answer(lifetimeMs?: number) {
      queue.push(() => Promise.resolve(creds(lifetimeMs)));
    },
    fail(error: Error) {
      queue.push(() => Promise.reject(error));
    },
    /** Next fetch waits until released (or forever). */
    hold(): { release(lifetimeMs: number): void } {
      let release!: (c: AwsCredentials) => void;
      const p = new Promise<AwsCredentials>((r) => (release = r));
      queue.push(() => p);
      return { release: (lifetimeMs) => release(creds(lifetimeMs)) };
    },
    fetch: (signal: AbortSignal, stage: (name: string) => void) => {
      calls.push(signal);
      stage('STS');
      const next = queue.shift();
      if (!next) throw new Error('unexpected fetch');
      return next();
    },
  };
}
const source = (
  f: ReturnType<typeof scripted>,
  over: Partial<ConstructorParameters<typeof CachedCredentials>[0]> = {},
) => new CachedCredentials({ mode: 'test', fetch: f.fetch, now, retryAfterMs: 5000, ...over });

afterEach(() => clearRegisteredSecrets());

describe('caching and refresh', () => {
  it('fetches once, shares the fetch between concurrent callers and serves the cache until the margin', async () => {
    const f = scripted();
    const held = f.hold();
    const s = source(f);
    const both = Promise.all([s.get(), s.get()]);
    held.release(60 * MINUTE);
    const [a, b] = await both;
    expect(a.accessKeyId).toBe('ASIA1');
    expect(b).toBe(a);
    expect(f.calls).toHaveLength(1);
    clock += 54 * MINUTE; // 6 min left: more than the 5 min margin
    expect((await s.get()).accessKeyId).toBe('ASIA1');
    expect(f.calls).toHaveLength(1);
  });

  it('refreshes inside the margin (5 min, or half a short lifetime) before the credentials expire', async () => {
    const f = scripted();
    const s = source(f);
    f.answer(60 * MINUTE);
    await s.get();
    clock += 55 * MINUTE; // exactly 5 min left
    f.answer(60 * MINUTE);
    expect((await s.get()).accessKeyId).toBe('ASIA2');

    const short = scripted();
    const t = source(short);
    short.answer(2000);
    await t.get();
    clock += 900;
    expect((await t.get()).accessKeyId).toBe('ASIA1'); // 1.1 s of 2 s left: not due yet
    clock += 100;
    short.answer(2000);
    expect((await t.get()).accessKeyId).toBe('ASIA2'); // half the lifetime left: refreshed
    expect(short.calls).toHaveLength(2);
  });

  it('never refreshes long-term keys, until invalidated', async () => {
    const f = scripted();
    const s = source(f);
    f.answer();
    await s.get();
    clock += 24 * 60 * MINUTE;
    expect((await s.get()).accessKeyId).toBe('ASIA1');
    s.invalidate();
    f.answer();
    expect((await s.get()).accessKeyId).toBe('ASIA2');
  });
});

describe('failures', () => {
  it('keeps using credentials that are due but still valid when the refresh fails', async () => {
    const f = scripted();
    const s = source(f);
    f.answer(60 * MINUTE);
    await s.get();
    clock += 58 * MINUTE;
    f.fail(
      new AwsCredentialsError('unavailable', 'could not get AWS credentials: STS unavailable (ServiceUnavailable)'),
    );
    expect((await s.get()).accessKeyId).toBe('ASIA1');
    clock += 2 * MINUTE; // expired now, and past retryAfterMs: asks again
    f.fail(
      new AwsCredentialsError('unavailable', 'could not get AWS credentials: STS unavailable (ServiceUnavailable)'),
    );
    await expect(s.get()).rejects.toThrow('could not get AWS credentials: STS unavailable');
    expect(f.calls).toHaveLength(3);
  });

  it('answers a failure without fetching for retryAfterMs, then fetches again', async () => {
    const f = scripted();
    const s = source(f);
    f.fail(new AwsCredentialsError('unavailable', 'could not get AWS credentials: STS unavailable'));
    await expect(s.get()).rejects.toMatchObject({ name: 'AwsCredentialsError', reason: 'unavailable' });
    clock += 4999;
    await expect(s.get()).rejects.toThrow('STS unavailable');
    expect(f.calls).toHaveLength(1);
    clock += 1;
    f.answer(60 * MINUTE);
    expect((await s.get()).accessKeyId).toBe('ASIA1');
    expect(f.calls).toHaveLength(2);
  });

  it('words an unexpected fetcher error by its stage, without its message', async () => {
    const f = scripted();
    f.fail(new Error('secret-ish server text'));
    const err = (await source(f)
      .get()
      .catch((e: unknown) => e)) as AwsCredentialsError;
    expect(err).toBeInstanceOf(AwsCredentialsError);
    expect(err.message).toBe('could not get AWS credentials from STS');
  });

  it("stops a caller's wait at its signal, while the shared fetch goes on and is cached", async () => {
    const f = scripted();
    const s = source(f);
    const held = f.hold();
    const started = Date.now();
    await expect(s.get(AbortSignal.timeout(50))).rejects.toMatchObject({
      reason: 'timeout',
      message: 'could not get AWS credentials: STS did not answer in time',
    });
    expect(Date.now() - started).toBeLessThan(1000);
    held.release(60 * MINUTE);
    expect((await s.get()).accessKeyId).toBe('ASIA1');
    expect(f.calls).toHaveLength(1);
  });

  it('bounds a fetch that ignores its signal by fetchTimeoutMs', async () => {
    const f = scripted();
    f.hold(); // never released
    const started = Date.now();
    await expect(source(f, { fetchTimeoutMs: 60 }).get()).rejects.toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(f.calls[0]!.aborted).toBe(true);
  });
});

describe('redaction', () => {
  it('masks the current secret key and session token in logs, and forgets replaced ones', async () => {
    const f = scripted();
    const s = source(f);
    f.answer(10 * MINUTE);
    const first = await s.get();
    expect(redactString(`k=${first.secretAccessKey} t=${first.sessionToken}`)).toBe('k=[REDACTED] t=[REDACTED]');
    clock += 9 * MINUTE;
    f.answer(10 * MINUTE);
    const second = await s.get();
    expect(redactString(second.sessionToken!)).toBe('[REDACTED]');
    expect(redactString(first.sessionToken!)).toBe(first.sessionToken);
  });
});
