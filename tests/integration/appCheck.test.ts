import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionPoolStats, ProcessPaymentResult } from '../../functions/src/api/index.js';
import { adminDb } from './admin.js';
import { USERS, session, type Session, errorOf } from './client.js';
import { ledger } from './simulator.js';

/** Each processPayment instance's count of refusals for a missing App Check token. */
const missingByInstance = (s: ConnectionPoolStats) =>
  new Map(
    s.instances
      .filter((i) => i.function === 'processPayment')
      .map((i) => [i.instanceId, i.rejections['app-check-missing']]),
  );

const payment = () => ({
  amount: 12.5,
  paymentMethod: 'credit_card',
  transactionId: `it_appcheck_${Date.now()}_${Math.floor(Math.random() * 1e6)}`,
});

describe('App Check on the callables (enforced in the emulator, development tokens)', () => {
  let user: Session, admin: Session, userWithout: Session, adminWithout: Session, userForged: Session;
  beforeAll(async () => {
    [user, admin, userWithout, adminWithout, userForged] = await Promise.all([
      session('new'),
      session(USERS.admin),
      session('new', { appCheck: false }),
      session(USERS.admin, { appCheck: false }),
      session('new', { appCheck: () => ({ token: 'not-a-jwt', expireTimeMillis: Date.now() + 3_600_000 }) }),
    ]);
  });
  afterAll(async () => Promise.all([user, admin, userWithout, adminWithout, userForged].map((s) => s?.close())));

  it('processPayment without a token -> unauthenticated naming App Check, nothing charged', async () => {
    const body = payment();
    const err = await errorOf(userWithout.call('processPayment', body));
    expect(err.code).toBe('unauthenticated');
    expect(err.message).toMatch(/App Check token/);
    expect(err.details).toEqual({ reason: 'app-check-missing' });
    expect((await adminDb().doc(`payments/${body.transactionId}`).get()).exists).toBe(false);
    expect((await ledger()).chargeRequests[body.transactionId]).toBeUndefined();
  });

  it('an admin callable without a token -> unauthenticated naming App Check', async () => {
    const err = await errorOf(adminWithout.call('getConnectionPoolStats', {}));
    expect(err).toMatchObject({ code: 'unauthenticated', details: { reason: 'app-check-missing' } });
    expect(err.message).toMatch(/App Check token/);
  });

  it('a token that is not a JWT -> unauthenticated (invalid)', async () => {
    const err = await errorOf(userForged.call('processPayment', payment()));
    expect(err).toMatchObject({ code: 'unauthenticated', details: { reason: 'app-check-invalid' } });
  });

  it('with a development token the calls are accepted', async () => {
    const res = await user.call<ProcessPaymentResult>('processPayment', payment());
    expect(res).toMatchObject({ status: 'succeeded', replayed: false });
    expect(await admin.codeOf('getConnectionPoolStats', {})).toBe('ok');
  });

  it('counts a refused payment in getConnectionPoolStats (per instance and fleet-wide) and says App Check is enforced', async () => {
    const before = missingByInstance(await admin.call<ConnectionPoolStats>('getConnectionPoolStats', {}));
    // The refusing instance publishes its snapshot when due (VUE_APP_METRICS_INTERVAL, 5 s here), or at once for
    // the first refusal of a reason in a minute; keep refusing until one of them shows the new count.
    const stats = await vi.waitFor(
      async () => {
        expect(await userWithout.codeOf('processPayment', payment())).toBe('unauthenticated');
        const now = await admin.call<ConnectionPoolStats>('getConnectionPoolStats', {});
        const counted = [...missingByInstance(now)].some(([id, n]) => n > (before.get(id) ?? 0));
        expect(counted, 'an instance published the new refusal').toBe(true);
        return now;
      },
      { timeout: 20_000, interval: 500 },
    );
    const perInstance = [...missingByInstance(stats).values()].reduce((a, b) => a + b, 0);
    expect(stats.rejections['app-check-missing']).toBeGreaterThanOrEqual(perInstance);
    // APP_CHECK_CONSUME is unset in the emulator: replay protection follows enforcement (the emulator never consumes, docs/app-check.md).
    expect(stats.appCheck).toEqual({ enforced: true, replayProtection: true });
  });
});
