// getIncidentTimeline reads what the fleet publishes: a breaker left open in
// breakers/* whose transition no instance published, and unknown payments from
// the ledger; admins only, nothing of the user's identity in the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentTimeline } from '../../functions/src/api/index.js';
import { shardOf } from '../../functions/src/payments/ledger/paymentShards.js';
import { adminDb } from './admin.js';
import { USERS, session, type Session } from './client.js';

describe('getIncidentTimeline', () => {
  let admin: Session, user: Session;
  const stamp = Date.now();
  const txn = `incident_${stamp}`;
  const service = `timeline-test-${stamp}`;
  beforeAll(async () => {
    [admin, user] = await Promise.all([session(USERS.admin), session('new')]);
    const now = Date.now();
    await Promise.all([
      adminDb()
        .doc(`payments/${txn}`)
        .set({
          uid: user.uid,
          amount: 1234,
          currency: 'USD',
          status: 'unknown',
          attempts: 2,
          createdAt: now - 5000,
          updatedAt: now,
          shard: shardOf(txn),
        }),
      adminDb()
        .doc(`breakers/${service}`)
        .set({
          state: 'open',
          generation: 0,
          openedAt: now - 3000,
          nextProbeAt: now + 60_000,
          probeLeases: [],
          failureRate: 100,
          calls: 5,
          updatedAt: now,
        }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([adminDb().doc(`payments/${txn}`).delete(), adminDb().doc(`breakers/${service}`).delete()]);
    await Promise.all([admin, user].map((s) => s?.close()));
  });

  it('lists unknown payments and a breaker open in breakers/*, newest first, within the last hour', async () => {
    const t = await admin.call<IncidentTimeline>('getIncidentTimeline');
    expect(t.at - t.since).toBe(3_600_000);
    const mine = t.events.find((e) => e.subject === txn);
    expect(mine).toMatchObject({ kind: 'unknown-payment', count: 1, instanceId: null });
    expect(mine!.summary).toContain('after 2 attempt(s)');
    expect(t.events.find((e) => e.subject === service)).toMatchObject({ kind: 'breaker-transition', instanceId: null });
    const times = t.events.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times.every((at) => at > t.since && at <= t.at)).toBe(true);
    expect(JSON.stringify(t)).not.toContain(user.uid!);
  });

  it('is for admins only and takes no payload', async () => {
    expect(await user.codeOf('getIncidentTimeline')).toBe('permission-denied');
    expect(await admin.codeOf('getIncidentTimeline', { since: 0 })).toBe('invalid-argument');
  });
});
