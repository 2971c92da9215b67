import { describe, expect, it } from 'vitest';
import type { HealthDeepReport } from '../api/index.js';
import type { Caller } from '../access/auth.js';
import { answerHealth, type HealthDeps } from './healthRequest.js';

const report = (status: HealthDeepReport['status']): HealthDeepReport =>
  ({
    status,
    checkedAt: 5,
    components: { firestore: { state: 'ok' } },
    detail: { instance: { instanceId: 'i-1', function: 'health' } },
  }) as unknown as HealthDeepReport;

function deps(status: HealthDeepReport['status'], caller: Caller | null) {
  const seen = { checks: 0, authorization: [] as (string | undefined)[] };
  const d: HealthDeps = {
    check: () => {
      seen.checks += 1;
      return Promise.resolve(report(status));
    },
    caller: (authorization) => {
      seen.authorization.push(authorization);
      return Promise.resolve(caller);
    },
  };
  return { d, seen };
}

const admin: Caller = { uid: 'a', admin: true };
const user: Caller = { uid: 'u', admin: false };

describe('answerHealth', () => {
  it('answers 200 with the states only, and never asks who calls', async () => {
    const { d, seen } = deps('degraded', null);
    const r = await answerHealth({ method: 'GET', deep: undefined, authorization: undefined }, d);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'degraded', checkedAt: 5, components: { firestore: { state: 'ok' } } });
    expect(r.headers['Cache-Control']).toBe('no-store');
    expect(seen.authorization).toEqual([]);
  });

  it('answers 503 when payments cannot be taken', async () => {
    const r = await answerHealth({ method: 'GET', deep: undefined, authorization: undefined }, deps('down', null).d);
    expect(r.status).toBe(503);
  });

  it('refuses other methods with 405 and Allow: GET, without checking', async () => {
    const { d, seen } = deps('ok', admin);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await answerHealth({ method, deep: undefined, authorization: undefined }, d);
      expect(r.status).toBe(405);
      expect(r.headers.Allow).toBe('GET');
    }
    expect(seen.checks).toBe(0);
  });

  it('gives the deep view to admins only: 401 without a valid token, 403 without the claim', async () => {
    const anon = deps('ok', null);
    const r401 = await answerHealth({ method: 'GET', deep: '1', authorization: undefined }, anon.d);
    expect(r401.status).toBe(401);
    expect(r401.headers['WWW-Authenticate']).toBe('Bearer');
    expect(anon.seen.checks).toBe(0);
    const r403 = await answerHealth({ method: 'GET', deep: '1', authorization: 'Bearer t' }, deps('ok', user).d);
    expect(r403.status).toBe(403);
    const ok = deps('down', admin);
    const deep = await answerHealth({ method: 'GET', deep: 'true', authorization: 'Bearer t' }, ok.d);
    expect(deep.status).toBe(503);
    expect(deep.body).toHaveProperty('detail.instance.instanceId', 'i-1');
    expect(ok.seen.authorization).toEqual(['Bearer t']);
  });

  it('treats other deep values as the plain view', async () => {
    const r = await answerHealth({ method: 'GET', deep: '0', authorization: undefined }, deps('ok', null).d);
    expect(r.body).not.toHaveProperty('detail');
  });
});
