// The breaker is fleet-wide: state written by one process is seen by the
// callables (other processes) and by a third process, which fails fast until
// resetCircuitBreakers closes it for everyone.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BreakerSnapshot } from '../../functions/src/resilience/breaker/circuitBreaker.js';
import { USERS, session, type Session } from './client.js';

const SCRIPT = new URL('./fixtures/breaker-process.mjs', import.meta.url).pathname;
/** Bound on a process's copy catching up with the store (its refresh period is 1 s). */
const CATCH_UP = { timeout: 10_000, interval: 100 };

function server() {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SCRIPT, 'serve'], { env: process.env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  /** The next JSON line the fixture prints; `T` is what it prints there. */
  const next = async <T>(): Promise<T> => JSON.parse(String((await lines.next()).value)) as T;
  return {
    child,
    ready: () => next<{ ready: boolean }>(),
    call(): Promise<{ ran: boolean; code?: string; state: string }> {
      child.stdin.write('call\n');
      return next();
    },
  };
}

describe('fleet-wide circuit breaker across processes', () => {
  let admin: Session;
  let third: ReturnType<typeof server>;
  beforeAll(async () => {
    admin = await session(USERS.admin);
    await admin.call('resetCircuitBreakers', { serviceName: 'payment-service' });
    third = server();
    await third.ready();
  });
  afterAll(async () => {
    third?.child.kill();
    await admin?.call('resetCircuitBreakers', {});
    await admin?.close();
  });

  it('opens in one process, shows open in getConnectionPoolStats, fails fast in a third, and resets for all', async () => {
    expect(await third.call()).toMatchObject({ ran: true });

    const failing = spawnSync(process.execPath, [SCRIPT, 'fail'], {
      env: process.env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(failing.status, failing.stderr).toBe(0);
    const failed = JSON.parse(failing.stdout) as { snapshot: BreakerSnapshot };
    expect(failed.snapshot.state).toBe('open');

    const stats = await admin.call<{
      services: Record<
        string,
        { breaker: { state: string; openedAt: number; nextProbeAt: number; failureRate: number } }
      >;
    }>('getConnectionPoolStats', {});
    const breaker = stats.services['payment-service']!.breaker;
    expect(breaker.state).toBe('open');
    expect(breaker.failureRate).toBe(1);
    expect(breaker.nextProbeAt - breaker.openedAt).toBe(30_000);

    // The third process's copy is re-read once it is older than its refresh period; until then it runs calls.
    await vi.waitFor(async () => {
      expect(await third.call()).toEqual({ ran: false, code: 'BREAKER_OPEN', state: 'open' });
    }, CATCH_UP);

    expect(await admin.call('resetCircuitBreakers', { serviceName: 'payment-service' })).toMatchObject({
      reset: ['payment-service'],
    });
    await vi.waitFor(async () => {
      expect(await third.call()).toMatchObject({ ran: true, state: 'closed' });
    }, CATCH_UP);
    const after = await admin.call<{ services: Record<string, { breaker: { state: string } }> }>(
      'getConnectionPoolStats',
      {},
    );
    expect(after.services['payment-service']!.breaker.state).toBe('closed');
  });

  it('answers not-found for an unknown service and invalid-argument for a bad payload', async () => {
    expect(await admin.codeOf('resetCircuitBreakers', { serviceName: 'nope' })).toBe('not-found');
    expect(await admin.codeOf('resetCircuitBreakers', { serviceName: 5 })).toBe('invalid-argument');
    expect(await admin.codeOf('resetCircuitBreakers', { service: 'payment-service' })).toBe('invalid-argument');
    expect(await admin.codeOf('getConnectionPoolStats', { check: 'yes' })).toBe('invalid-argument');
  });
});
