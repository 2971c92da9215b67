// Per-user limits: through the callable (the emulator's limits are set in
// functions/.env.local), and FirestoreLedger's one-write path with limits.
import { describe, expect, it } from 'vitest';
import { FirestoreLedger } from '../../functions/src/payments/ledger/firestoreLedger.js';
import type { RunQuery } from '../../functions/src/resilience/breaker/breakerStoreFirestore.js';
import { adminDb } from './admin.js';
import { session } from './client.js';
import { ledger as simulatorLedger } from './simulator.js';

describe('per-user limits', () => {
  it('over the in-flight limit: resource-exhausted with retryAfterMs, nothing written or sent; other users unaffected', async () => {
    const greedy = await session('new');
    const other = await session('new');
    const t = Date.now();
    const ids = Array.from({ length: 26 }, (_, i) => `lim_${t}_${i}`);
    const results = await Promise.allSettled(
      ids.map((transactionId) =>
        greedy.call('processPayment', { amount: 3, paymentMethod: 'credit_card', transactionId }),
      ),
    );
    const limited = results
      .map((r, i) => ({ r, id: ids[i]! }))
      .filter(
        ({ r }) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'functions/resource-exhausted',
      );
    expect(limited.length).toBeGreaterThan(0);
    const details = (limited[0]!.r as PromiseRejectedResult).reason as {
      details?: { reason?: string; retryAfterMs?: number };
    };
    expect(details.details?.reason).toBe('user-in-flight');
    expect(details.details?.retryAfterMs).toBeGreaterThan(0);
    const db = adminDb();
    const sent = (await simulatorLedger()).chargeRequests;
    for (const { id } of limited) {
      expect((await db.doc(`payments/${id}`).get()).exists).toBe(false);
      expect(sent[id]).toBeUndefined();
    }
    expect(
      await other.call('processPayment', { amount: 3, paymentMethod: 'credit_card', transactionId: `lim_other_${t}` }),
    ).toMatchObject({ status: 'succeeded' });
    await Promise.all([greedy.close(), other.close()]);
  }, 180_000); // 26 concurrent calls: the emulator starts a worker process for each

  it('with a warm cache, a claim and its outcome are one batched write each, limits included', async () => {
    const db = adminDb();
    const calls: string[] = [];
    const runQuery: RunQuery = (fn, name) => {
      calls.push(name);
      return fn(db);
    };
    const ledger = new FirestoreLedger(runQuery, Date.now, { ratePerMin: 60, burst: 3, maxInFlight: 5 });
    const uid = `lim_uid_${Date.now()}`;
    const req = (n: number) => ({
      transactionId: `${uid}_${n}`,
      uid,
      amount: 100,
      currency: 'USD',
      paymentMethod: 'credit_card',
    });
    const pay = async (n: number) => {
      const claim = await ledger.claim(req(n), 30_000);
      if (claim.kind !== 'claimed') throw new Error('expected a claim');
      const outcome = { status: 'succeeded' as const, attempts: 1, chargeId: `c${n}` };
      await ledger.finalize(req(n).transactionId, claim.claimId, outcome, {
        record: claim.record,
        version: claim.version,
      });
    };
    await pay(1); // cold: one read of the user's limits, then the one batched write
    expect(calls).toEqual(['ledger.userLimits', 'payments.create', 'payments.finalizeFast']);
    calls.length = 0;
    await pay(2); // warm: one batched write each for the claim (payment + limits) and the outcome (+ slot freed)
    expect(calls).toEqual(['payments.create', 'payments.finalizeFast']);
    // The burst of 3 is spent: the fourth is refused and writes nothing.
    await pay(3);
    await expect(ledger.claim(req(4), 30_000)).rejects.toMatchObject({ code: 'PAYMENT_USER_LIMITED' });
    expect((await db.doc(`payments/${req(4).transactionId}`).get()).exists).toBe(false);
    const limits = (await db.doc(`userLimits/${uid}`).get()).data() as { inFlight: Record<string, number> };
    expect(limits.inFlight).toEqual({});
    // These records were never charged at the simulator: leave no ledger record the ledger check would miss there.
    await Promise.all([1, 2, 3].map((n) => db.doc(`payments/${req(n).transactionId}`).delete()));
  });
});
