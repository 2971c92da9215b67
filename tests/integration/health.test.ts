// The `health` endpoint over real HTTP against the emulator: states, 200/503,
// the cache (the simulator counts its health requests), nothing secret, and
// the admin-only deep view.
import { getAuth } from 'firebase/auth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminDb } from './admin.js';
import { PROJECT_ID, USERS, session, type Session } from './client.js';
import { setFaults, stats } from './simulator.js';

const URL_ = `http://127.0.0.1:5001/${PROJECT_ID}/us-central1/health`;
/** HEALTH_CACHE_MS of functions/.env.local (2 s), plus room for a slow check. */
const FRESH_TIMEOUT_MS = 10_000;

interface Body {
  status: string;
  checkedAt: number;
  components: {
    firestore: { state: string };
    provider: { state: string };
    breakers: Record<string, { state: string; breaker: string }>;
    cloudwatch: { state: string; enabled: boolean };
    reconciliation: { state: string };
  };
  detail?: {
    firestore: { latencyMs: number | null };
    provider: { latencyMs: number | null; problem?: string };
    pools: { firestore: { max: number } };
    instance: { instanceId: string };
  };
}

async function get(query = '', init: RequestInit = {}): Promise<{ status: number; body: Body; text: string }> {
  const res = await fetch(`${URL_}${query}`, init);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Body, text };
}

/**
 * Polls the endpoint until it answers from a check made after `since` (its
 * cached answer expired), and returns that answer. Cached answers cost no
 * provider request, so exactly one was sent for the returned one.
 */
function freshAnswer(since: number, query = '', init: RequestInit = {}) {
  return vi.waitFor(
    async () => {
      const answer = await get(query, init);
      if (answer.body.checkedAt < since) throw new Error(`health answered from a check made before ${since}`);
      return answer;
    },
    { timeout: FRESH_TIMEOUT_MS, interval: 100 },
  );
}

const token = (s: Session) => getAuth(s.app).currentUser!.getIdToken();

describe('health endpoint', () => {
  let admin: Session, user: Session;
  beforeAll(async () => {
    await setFaults({ mode: 'none' });
    [admin, user] = await Promise.all([session(USERS.admin), session('new')]);
    await admin.call('resetCircuitBreakers', {});
    await get(); // cold start of the health function
  });
  afterAll(async () => {
    await setFaults({ mode: 'none' });
    await admin?.call('resetCircuitBreakers', {});
    await Promise.all([admin, user].map((s) => s?.close()));
  });

  it('answers 200 with every component state, sends one provider health request per TTL, and leaks nothing', async () => {
    const t0 = Date.now();
    const before = (await stats()).requests.health;
    const first = await freshAnswer(t0);
    const second = await get();
    const after = (await stats()).requests.health;
    expect(first.status).toBe(200);
    expect(second.body.checkedAt).toBe(first.body.checkedAt);
    expect(after - before).toBe(1);
    expect(Object.keys(first.body).sort()).toEqual(['checkedAt', 'components', 'status']);
    expect(first.body.components).toMatchObject({
      firestore: { state: 'ok' },
      provider: { state: 'ok' },
      breakers: { 'payment-service': { state: 'ok', breaker: 'closed' } },
      cloudwatch: { state: 'ok', enabled: true },
    });
    expect(['ok', 'degraded']).toContain(first.body.components.reconciliation.state);
    expect(first.text).not.toMatch(/dev_[0-9a-f]{24}|Bearer|https?:|127\.0\.0\.1|8710|4586|latency|instance/i);
    expect(first.text).not.toContain(admin.uid!);

    await freshAnswer(first.body.checkedAt + 1);
    expect((await stats()).requests.health - after).toBe(1);
  });

  it('answers 503 while the provider is down, and 200 again once it is back', async () => {
    await setFaults({ mode: 'outage' });
    const down = await freshAnswer(Date.now());
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('down');
    expect(down.body.components.provider.state).toBe('down');
    expect(down.body.components.firestore.state).toBe('ok');
    await setFaults({ mode: 'none' });
    expect((await freshAnswer(Date.now())).status).toBe(200);
  });

  it('answers 503 while the payment-service breaker is open fleet-wide', async () => {
    const now = Date.now();
    const ref = adminDb().doc('breakers/payment-service');
    const generation = Number((await ref.get()).data()?.generation ?? 0);
    await ref.set({
      state: 'open',
      generation,
      openedAt: now,
      nextProbeAt: now + 120_000,
      probeLeases: [],
      failureRate: 100,
      calls: 5,
      updatedAt: now,
    });
    const open = await freshAnswer(Date.now());
    expect(open.status).toBe(503);
    expect(open.body.components.breakers['payment-service']).toEqual({ state: 'down', breaker: 'open' });
    expect(open.body.components.provider.state).toBe('ok');
    await admin.call('resetCircuitBreakers', { serviceName: 'payment-service' });
    expect((await freshAnswer(Date.now())).status).toBe(200);
  });

  it('gives the deep view to admins only, and refuses other methods', async () => {
    expect((await get('?deep=1')).status).toBe(401);
    expect((await get('?deep=1', { headers: { Authorization: 'Bearer not-a-token' } })).status).toBe(401);
    expect((await get('?deep=1', { headers: { Authorization: `Bearer ${await token(user)}` } })).status).toBe(403);
    const deep = await get('?deep=1', { headers: { Authorization: `Bearer ${await token(admin)}` } });
    expect(deep.status).toBe(200);
    expect(deep.body.detail!.firestore.latencyMs).toBeGreaterThan(0);
    expect(deep.body.detail!.provider.latencyMs).toBeGreaterThan(0);
    expect(deep.body.detail!.pools.firestore.max).toBe(10);
    expect(deep.body.detail!.instance.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(deep.text).not.toMatch(/dev_[0-9a-f]{24}|Bearer|https?:\/\//);
    const post = await fetch(URL_, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });
});
