// Reconciliation resolves `unknown` and stale `pending` records from the provider.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FirestoreLedger,
  GenericProvider,
  PaymentHandler,
  reconcilePayments,
} from '../../functions/src/payments/index.js';
import { requestHash } from '../../functions/src/payments/ledger/paymentLedger.js';
import { shardOf } from '../../functions/src/payments/ledger/paymentShards.js';
import type { RunQuery } from '../../functions/src/resilience/query/runQuery.js';
import { FleetCircuitBreaker, MemoryBreakerStore } from '../../functions/src/resilience/breaker/index.js';
import { HttpPoolManager } from '../../functions/src/resilience/http/index.js';
import { adminDb } from './admin.js';
import { expectLedgersAgree } from './ledgerCheck.js';
import { SIMULATOR_URL } from './simulator.js';

const apiKey = /PAYMENT_API_KEY=(.*)/
  .exec(readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8'))![1]!
  .trim();

/** Reconciliation settings of these tests: the production settle window, a budget inside the test timeout. */
const settings = { settleMs: 60_000, budgetMs: 45_000 };

/** The generic provider against the payment simulator, through its own pool. */
function genericProvider(pool: HttpPoolManager): GenericProvider {
  return new GenericProvider(pool, { baseUrl: SIMULATOR_URL, apiKey, maxSockets: 4, attemptTimeoutMs: 5000 });
}

/** A record of `id` as the ledger stores it (index shard included: paymentShards.ts). */
function record(id: string, status: string, extra: Record<string, unknown> = {}) {
  const base = {
    uid: 'reconcile-test',
    amount: 1234,
    currency: 'USD',
    paymentMethod: 'credit_card' as const,
    attempts: 1,
    createdAt: Date.now() - 600_000,
    updatedAt: Date.now() - 600_000,
  };
  return { ...base, status, requestHash: requestHash(base), shard: shardOf(id), ...extra };
}

describe('reconcilePayments', () => {
  it('settles unknown and stale pending records from GET /charge/<id>, and leaves live ones alone', async () => {
    const t = Date.now();
    const [charged, never, stale, live, settling] = ['charged', 'never', 'stale', 'live', 'settling'].map(
      (k) => `rec_${k}_${t}`,
    );
    // The provider has a charge for `charged` (e.g. the call timed out after the commit).
    const res = await fetch(`${SIMULATOR_URL}/charge`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', 'Idempotency-Key': charged! },
      body: JSON.stringify({ amount: 1234, currency: 'USD', paymentMethod: 'credit_card', transactionId: charged }),
    });
    const charge = (await res.json()) as { id: string };
    expect(res.status).toBe(201);
    const db = adminDb();
    await db.doc(`payments/${charged}`).set(record(charged!, 'unknown'));
    await db.doc(`payments/${never}`).set(record(never!, 'unknown'));
    await db.doc(`payments/${stale}`).set(record(stale!, 'pending', { claimId: 'dead-call', leaseUntil: t - 120_000 }));
    // Its last attempt went out a second ago: the provider may still charge it.
    await db.doc(`payments/${settling}`).set(record(settling!, 'unknown', { openAttemptAt: t - 1000 }));
    await db.doc(`payments/${live}`).set(record(live!, 'pending', { claimId: 'live-call', leaseUntil: t + 60_000 }));

    const pool = new HttpPoolManager();
    const provider = genericProvider(pool);
    const runQuery: RunQuery = (fn) => fn(db);
    const report = await reconcilePayments({ ...settings, ledger: new FirestoreLedger(runQuery), provider });
    pool.destroy();

    expect(report.charged).toBeGreaterThanOrEqual(1);
    const get = async (id: string) => (await db.doc(`payments/${id}`).get()).data();
    expect(await get(charged!)).toMatchObject({ status: 'succeeded', chargeId: charge.id, claimId: null });
    expect(await get(never!)).toMatchObject({ status: 'failed', error: { code: 'NOT_CHARGED' } });
    expect(await get(stale!)).toMatchObject({ status: 'failed' });
    expect(await get(settling!)).toMatchObject({
      status: 'unknown',
      error: { code: 'SETTLING' },
      openAttemptAt: t - 1000,
    });
    await db.doc(`payments/${settling}`).delete();
    expect(await get(live!)).toMatchObject({ status: 'pending', claimId: 'live-call' });
    await db.doc(`payments/${live}`).delete();
    await expectLedgersAgree();
  });

  it('loses nothing when the ledger write fails after a charge: the record stays pending and reconciles to succeeded', async () => {
    const db = adminDb();
    const pool = new HttpPoolManager();
    const provider = genericProvider(pool);
    const failingFinalize: RunQuery = (fn, name) =>
      name === 'payments.finalize' || name === 'payments.finalizeFast'
        ? Promise.reject(Object.assign(new Error('firestore unavailable'), { code: 'DB_QUERY_FAILED' }))
        : fn(db);
    const handler = new PaymentHandler({
      ledger: new FirestoreLedger(failingFinalize),
      provider,
      breaker: new FleetCircuitBreaker('payment-service', new MemoryBreakerStore()),
      settings: {
        attemptTimeoutMs: 5000,
        attempts: 3,
        totalTimeoutMs: 1000,
        maxAmount: 1000000,
        settleMs: 60_000,
        idempotencyTtlMs: 86_400_000,
      },
    });
    const id = `rec_lostwrite_${Date.now()}`;
    const result = await handler.processPayment(
      { amount: 12.34, paymentMethod: 'credit_card', transactionId: id, currency: 'usd' },
      'reconcile-test',
    );
    expect(result).toMatchObject({
      transactionId: id,
      status: 'succeeded',
      amount: 12.34,
      currency: 'USD',
      attempts: 1,
    });
    const pending = (await db.doc(`payments/${id}`).get()).data()!;
    expect(pending).toMatchObject({ status: 'pending', amount: 1234 });
    // Once the claim's lease has expired, reconciliation settles it from the provider.
    await db.doc(`payments/${id}`).update({ leaseUntil: Date.now() - 1 });
    await reconcilePayments({ ...settings, ledger: new FirestoreLedger((fn) => fn(db)), provider });
    pool.destroy();
    expect((await db.doc(`payments/${id}`).get()).data()).toMatchObject({
      status: 'succeeded',
      chargeId: result.chargeId,
    });
    await expectLedgersAgree();
  });

  it('settles 1,000 unknown records within its budget; a failing one in the middle is logged and left for the next pass', async () => {
    const db = adminDb();
    const t = Date.now();
    const ids = Array.from({ length: 1000 }, (_, i) => `rec_bulk_${t}_${String(i).padStart(4, '0')}`);
    const failing = ids[500]!;
    for (let i = 0; i < ids.length; i += 500) {
      const batch = db.batch();
      for (const id of ids.slice(i, i + 500)) batch.set(db.doc(`payments/${id}`), record(id, 'unknown'));
      await batch.commit();
    }
    const pool = new HttpPoolManager();
    const generic = genericProvider(pool);
    // One record's lookup breaks (a bug or a poisoned record): the pass must go on without it.
    const provider = Object.assign(Object.create(generic) as GenericProvider, {
      lookup: (ref: string, req: Parameters<GenericProvider['lookup']>[1], timeoutMs: number) =>
        ref === failing ? Promise.reject(new Error('poisoned record')) : generic.lookup(ref, req, timeoutMs),
    });
    const failures: string[] = [];
    const started = Date.now();
    const report = await reconcilePayments({
      ...settings,
      ledger: new FirestoreLedger((fn) => fn(db)),
      provider,
      events: (e) => {
        if (e.type === 'payments.reconcile_record_failed') failures.push(e.transactionId);
      },
    });
    const tookMs = Date.now() - started;
    pool.destroy();

    expect(report.complete).toBe(true);
    expect(tookMs).toBeLessThan(settings.budgetMs);
    expect(failures).toEqual([failing]);
    const statuses = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 100) {
      const snaps = await db.getAll(...ids.slice(i, i + 100).map((id) => db.doc(`payments/${id}`)));
      for (const s of snaps) {
        const status = String(s.get('status'));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(statuses)).toEqual({ failed: 999, pending: 1 });
    const left = (await db.doc(`payments/${failing}`).get()).data()!;
    expect(left.leaseUntil).toBeLessThanOrEqual(Date.now() + 8000);
    console.log(`reconciled 1000 records in ${tookMs} ms: ${JSON.stringify(report)}`);
  });
});
