import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { SessionCheck, type AccountState } from '../access/sessionCheck.js';
import { ThrottledLog } from '../observability/logs/throttledLog.js';
import { AppError } from '../resilience/appError.js';
import { Access, appCheckPolicy, callableHandler } from './defineCallable.js';
import { recordingLifecycle } from './testing.js';

const ENFORCE = { enforce: true, consume: true };
const SIGNED_IN = Math.floor(Date.now() / 1000) - 60;

/** A callable request as firebase-functions hands it over: `who` signed in (or nobody), with a good App Check token unless `appCheck: false`. */
function request(who: { uid: string; admin: boolean } | null, opts: { appCheck?: false } = {}): CallableRequest {
  return {
    data: {},
    auth: who ? { uid: who.uid, token: { admin: who.admin, auth_time: SIGNED_IN }, rawToken: 't' } : undefined,
    app: opts.appCheck === false ? undefined : { appId: 'app', token: { exp: Date.now() / 1000 + 3600 } },
    rawRequest: { header: () => undefined },
  } as unknown as CallableRequest;
}

/**
 * The wrapper's runtime parts: App Check refusals go to a throttled log as the
 * runtime's sink does (one line per reason and minute), sessions are checked against `accounts`.
 */
function runtime(
  accounts: Record<string, AccountState>,
  steps: string[],
  refusalLog = new ThrottledLog(() => undefined, 60_000),
) {
  return {
    appCheckEvents: (event: 'appcheck.rejected', fields: { callable: string; reason: string }) => {
      steps.push(event);
      refusalLog.record(`${fields.callable}:${fields.reason}`, event, fields, 'WARNING');
    },
    refusalLog,
    sessions: new SessionCheck((uid) => Promise.resolve(accounts[uid] ?? null)),
  };
}

const ACTIVE = { disabled: false, validAfterMs: null };
const ADMIN = { uid: 'a', admin: true };

/** Runs one call of a callable whose work records itself and answers or throws, and returns its outcome and the steps. */
async function call(
  access: Access,
  req: CallableRequest,
  accounts: Record<string, AccountState>,
  work: () => Promise<string> = () => Promise.resolve('done'),
) {
  const steps: string[] = [];
  const handler = callableHandler(
    'someCallable',
    access,
    ENFORCE,
    () => {
      steps.push('work');
      return work();
    },
    recordingLifecycle(runtime(accounts, steps), steps),
  );
  const outcome = await handler(req).catch((err: unknown) => err);
  return { outcome, steps };
}

describe('callableHandler', () => {
  it('runs the work, then the end-of-call work', async () => {
    const { outcome, steps } = await call(Access.admin, request(ADMIN), { a: ACTIVE });
    expect(outcome).toBe('done');
    expect(steps).toEqual(['work', 'afterCall']);
  });

  it("logs the handler's durationMs to 0.1 ms on the phases' clock, so it compares with the call's own phases", async () => {
    let completed: { durationMs: number } | undefined;
    let worked = 0;
    const handler = callableHandler(
      'someCallable',
      Access.user,
      ENFORCE,
      () => {
        // A work of about 1.45 ms: whole-ms durations (1 or 2) would be 0.45 ms off.
        const from = performance.now();
        while (performance.now() - from < 1.45);
        worked = performance.now() - from;
        return Promise.resolve('done');
      },
      {
        runtime: () => runtime({}, []),
        end: (_rt, call) => {
          completed = call.completed?.fields;
          return Promise.resolve();
        },
      },
    );
    // The last of three calls: the first ones compile the wrapper's code.
    for (let i = 0; i < 3; i++) await expect(handler(request({ uid: 'u', admin: false }))).resolves.toBe('done');
    expect(Math.abs(completed!.durationMs - worked)).toBeLessThan(0.25);
  });

  it('maps an error of the work and still does the end-of-call work', async () => {
    const { outcome, steps } = await call(Access.user, request({ uid: 'u', admin: false }), {}, () =>
      Promise.reject(new AppError('BREAKER_OPEN', 'payment-service is unavailable')),
    );
    expect(outcome).toBeInstanceOf(HttpsError);
    expect(outcome).toMatchObject({ code: 'unavailable' });
    expect(steps).toEqual(['work', 'afterCall']);
  });

  it('does the end-of-call work for callers refused before the work: no App Check, signed out, not an admin', async () => {
    const refused = [
      [Access.user, request({ uid: 'u', admin: false }, { appCheck: false }), 'unauthenticated'],
      [Access.user, request(null), 'unauthenticated'],
      [Access.admin, request({ uid: 'u', admin: false }), 'permission-denied'],
    ] as const;
    for (const [access, req, code] of refused) {
      const { outcome, steps } = await call(access, req, {});
      expect(outcome).toMatchObject({ code });
      expect(steps.filter((s) => s !== 'appcheck.rejected')).toEqual(['afterCall']);
    }
  });

  it("begins the end-of-call work's reads once the caller is admitted, before the work; never for a refused caller", async () => {
    const steps: string[] = [];
    const lifecycle = { ...recordingLifecycle(runtime({}, steps), steps), begin: () => void steps.push('begin') };
    const handler = callableHandler(
      'someCallable',
      Access.user,
      ENFORCE,
      () => (steps.push('work'), Promise.resolve('done')),
      lifecycle,
    );
    await expect(handler(request({ uid: 'u', admin: false }))).resolves.toBe('done');
    expect(steps).toEqual(['begin', 'work', 'afterCall']);
    steps.length = 0;
    await expect(handler(request(null))).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(handler(request({ uid: 'u', admin: false }, { appCheck: false }))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect(steps.filter((s) => s !== 'appcheck.rejected')).toEqual(['afterCall', 'afterCall']);
  });

  it('ships no logs at the end of an App Check refusal that logged no line of its own (a flood)', async () => {
    const steps: string[] = [];
    const handler = callableHandler(
      'someCallable',
      Access.user,
      ENFORCE,
      () => Promise.resolve('done'),
      recordingLifecycle(runtime({}, steps), steps),
    );
    const req = request({ uid: 'u', admin: false }, { appCheck: false });
    for (let i = 0; i < 3; i++) await expect(handler(req)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(steps).toEqual([
      'appcheck.rejected',
      'afterCall',
      'appcheck.rejected',
      'afterCall (no ship)',
      'appcheck.rejected',
      'afterCall (no ship)',
    ]);
  });

  it('refuses an admin whose session was revoked or whose account is disabled with unauthenticated, before the work', async () => {
    const accounts = {
      a: { disabled: false, validAfterMs: (SIGNED_IN + 1) * 1000 },
      d: { disabled: true, validAfterMs: null },
    };
    for (const uid of ['a', 'd']) {
      const { outcome, steps } = await call(Access.admin, request({ uid, admin: true }), accounts);
      expect(outcome).toMatchObject({ code: 'unauthenticated' });
      expect(steps).toEqual(['afterCall']);
    }
    // Users' callables do not ask Auth: a revoked user's payment call goes on (its token still verifies).
    const user = await call(Access.user, request({ uid: 'a', admin: false }), accounts);
    expect(user.outcome).toBe('done');
  });
});

describe('appCheckPolicy', () => {
  it('consumes tokens on the money-moving callables only, and only with APP_CHECK_CONSUME', () => {
    const on = { APP_CHECK_ENFORCE: true, APP_CHECK_CONSUME: true };
    expect(appCheckPolicy('processPayment', on)).toEqual({ enforce: true, consume: true });
    expect(appCheckPolicy('getDatabasePoolStatus', on)).toEqual({ enforce: true, consume: false });
    expect(appCheckPolicy('processPayment', { ...on, APP_CHECK_CONSUME: false }).consume).toBe(false);
  });
});
