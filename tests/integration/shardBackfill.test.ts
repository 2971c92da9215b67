// Payments written before the `shard` field existed: invisible to reconciliation and to the health's oldest
// unknown until the backfill (scripts/migrate-shards.mjs) or a call's update gives them their shard.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FirestoreLedger, GenericProvider, reconcilePayments } from '../../functions/src/payments/index.js';
import { requestHash } from '../../functions/src/payments/ledger/paymentLedger.js';
import { shardOf } from '../../functions/src/payments/ledger/paymentShards.js';
import { backfillShards, BACKFILL_PROGRESS } from '../../functions/src/payments/ledger/shardBackfill.js';
import { HttpPoolManager } from '../../functions/src/resilience/http/index.js';
import { adminDb } from './admin.js';
import { SIMULATOR_URL } from './simulator.js';

const apiKey = /PAYMENT_API_KEY=(.*)/
  .exec(readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8'))![1]!
  .trim();
const DAY = 86_400_000;

/** A record as a version before paymentShards.ts stored it: no `shard`. */
function legacyRecord(status: string, at: number, extra: Record<string, unknown> = {}) {
  const base = {
    uid: 'backfill-test',
    amount: 4321,
    currency: 'USD',
    paymentMethod: 'credit_card' as const,
    attempts: 1,
  };
  return { ...base, status, requestHash: requestHash(base), createdAt: at, updatedAt: at, ...extra };
}

describe('shard backfill of payments written before the shard field', () => {
  it('makes a legacy unknown payment visible to reconciliation and the health, which then settle it', async () => {
    const db = adminDb();
    const t = Date.now();
    // Older than anything the other suites write, so it is the oldest unknown payment once it is visible.
    const oldAt = t - 400 * DAY;
    const [legacy, touched] = [`bf_legacy_${t}`, `bf_touched_${t}`];
    await db.doc(`ledgerStats/${BACKFILL_PROGRESS}`).delete();
    await db.doc(`payments/${legacy}`).set(legacyRecord('unknown', oldAt));
    await db
      .doc(`payments/${touched}`)
      .set(legacyRecord('pending', t - 1000, { claimId: 'legacy-call', leaseUntil: t + 60_000 }));
    const ledger = new FirestoreLedger((fn) => fn(db));
    const pool = new HttpPoolManager();
    const provider = new GenericProvider(pool, {
      baseUrl: SIMULATOR_URL,
      apiKey,
      maxSockets: 4,
      attemptTimeoutMs: 5000,
    });
    const reconcile = () => reconcilePayments({ settleMs: 60_000, budgetMs: 45_000, ledger, provider });
    const scanned = async () =>
      (await ledger.scanUnresolved({ status: 'unknown', before: t, limit: 1000 })).map((r) => r.transactionId);

    // Before: the scans never see it, so a pass leaves it unknown; the health's oldest unknown misses it.
    expect(await scanned()).not.toContain(legacy);
    await reconcile();
    expect((await db.doc(`payments/${legacy}`).get()).get('status')).toBe('unknown');
    expect((await ledger.health(Date.now())).oldestUnknownAgeMs ?? 0).toBeLessThan(400 * DAY);

    // A call that updates a legacy record repairs it on the way (the ledger's transaction paths).
    await ledger.finalize(touched, 'legacy-call', {
      status: 'failed',
      attempts: 1,
      error: { code: 'PROVIDER_ERROR', message: 'declined before any charge' },
    });
    expect((await db.doc(`payments/${touched}`).get()).data()).toMatchObject({
      status: 'failed',
      shard: shardOf(touched),
    });

    // The backfill, interrupted after one page of one document, then resumed after that page.
    const first = await backfillShards(db, { pageSize: 1, maxPages: 1 });
    expect(first).toMatchObject({ scanned: 1, done: false });
    expect((await db.doc(`ledgerStats/${BACKFILL_PROGRESS}`).get()).data()).toMatchObject(first);
    const second = await backfillShards(db, { pageSize: 1, maxPages: 1 });
    expect(second).toMatchObject({ scanned: 2, done: false });
    expect(second.after! > first.after!).toBe(true);
    const total = (await db.collection('payments').count().get()).data().count;
    const done = await backfillShards(db);
    expect(done).toMatchObject({ scanned: total, done: true });
    expect(done.updated).toBeGreaterThanOrEqual(1);
    const before = legacyRecord('unknown', oldAt);
    expect((await db.doc(`payments/${legacy}`).get()).data()).toEqual({ ...before, shard: shardOf(legacy) });
    // Idempotent: a second full run finds nothing left to set.
    expect(await backfillShards(db)).toMatchObject({ scanned: total, updated: 0, done: true });

    // After: the health's oldest unknown is the legacy payment, the scan finds it and a pass settles it.
    expect((await ledger.health(Date.now())).oldestUnknownAgeMs).toBeGreaterThanOrEqual(400 * DAY);
    expect(await scanned()).toContain(legacy);
    await reconcile();
    pool.destroy();
    expect((await db.doc(`payments/${legacy}`).get()).data()).toMatchObject({
      status: 'failed',
      error: { code: 'NOT_CHARGED' },
      shard: shardOf(legacy),
    });
    await db.doc(`ledgerStats/${BACKFILL_PROGRESS}`).delete();
  });
});
