import { HttpsError } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { appCheckRejection, requireAppCheck, type AppCheckRequest } from './appCheck.js';

const NOW = 1_800_000_000_000;
const ENFORCE = { enforce: true, consume: false };
const CONSUME = { enforce: true, consume: true };

/** A request as firebase-functions hands it over: `app` decoded from the header, when there was one. */
function request(opts: { header?: string; app?: Record<string, unknown> } = {}): AppCheckRequest {
  return {
    app: opts.app as AppCheckRequest['app'],
    rawRequest: { header: (name) => (name.toLowerCase() === 'x-firebase-appcheck' ? opts.header : undefined) },
  };
}

const valid = (extra: Record<string, unknown> = {}) => ({
  header: 'h.p.',
  app: { appId: '1:123:web:abc', token: { app_id: '1:123:web:abc', exp: NOW / 1000 + 60 }, ...extra },
});

describe('appCheckRejection', () => {
  it('accepts a decoded token with an app id that has not expired', () => {
    expect(appCheckRejection(request(valid()), ENFORCE, NOW)).toBeNull();
    expect(appCheckRejection(request(valid({ alreadyConsumed: false })), CONSUME, NOW)).toBeNull();
  });

  it('tells a missing token from one the SDK could not verify', () => {
    expect(appCheckRejection(request(), ENFORCE, NOW)).toBe('app-check-missing');
    expect(appCheckRejection(request({ header: '  ' }), ENFORCE, NOW)).toBe('app-check-missing');
    expect(appCheckRejection(request({ header: 'not-a-jwt' }), ENFORCE, NOW)).toBe('app-check-invalid');
  });

  it('refuses what the emulator decodes without verifying: no app id, no exp, expired', () => {
    const { header } = valid();
    expect(appCheckRejection(request({ header, app: { appId: undefined, token: {} } }), ENFORCE, NOW)).toBe(
      'app-check-invalid',
    );
    expect(appCheckRejection(request({ header, app: { appId: 'a', token: {} } }), ENFORCE, NOW)).toBe(
      'app-check-invalid',
    );
    expect(appCheckRejection(request({ header, app: { appId: 'a', token: { exp: NOW / 1000 } } }), ENFORCE, NOW)).toBe(
      'app-check-invalid',
    );
  });

  it('refuses a consumed token only with replay protection', () => {
    expect(appCheckRejection(request(valid({ alreadyConsumed: true })), CONSUME, NOW)).toBe('app-check-replayed');
    expect(appCheckRejection(request(valid({ alreadyConsumed: true })), ENFORCE, NOW)).toBeNull();
  });

  it('lets everything through when not enforced', () => {
    const off = { enforce: false, consume: false };
    expect(appCheckRejection(request(), off, NOW)).toBeNull();
    expect(appCheckRejection(request({ header: 'junk' }), off, NOW)).toBeNull();
  });
});

describe('requireAppCheck', () => {
  it('throws unauthenticated naming App Check, with the reason, after emitting one event', () => {
    const events: unknown[] = [];
    const ctx = { callable: 'processPayment', events: (...e: unknown[]) => void events.push(e), now: NOW };
    let thrown: unknown;
    try {
      requireAppCheck(request(), ENFORCE, ctx);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HttpsError);
    expect(thrown).toMatchObject({ code: 'unauthenticated', details: { reason: 'app-check-missing' } });
    expect((thrown as Error).message).toMatch(/App Check token/);
    expect(events).toEqual([['appcheck.rejected', { callable: 'processPayment', reason: 'app-check-missing' }]]);
  });

  it('names replay protection for a consumed token', () => {
    const events: unknown[] = [];
    expect(() =>
      requireAppCheck(request(valid({ alreadyConsumed: true })), CONSUME, {
        callable: 'processPayment',
        events: (...e) => void events.push(e),
        now: NOW,
      }),
    ).toThrow(/already used \(App Check replay protection\)/);
    expect(events).toHaveLength(1);
  });

  it('emits nothing for a good token', () => {
    const events: unknown[] = [];
    requireAppCheck(request(valid()), ENFORCE, { callable: 'x', events: (...e) => void events.push(e), now: NOW });
    expect(events).toEqual([]);
  });
});
