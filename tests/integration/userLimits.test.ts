// Per-user limits: through the callable (the suites' limits are set in the config
// scripts/emulator-config.mjs generates), and FirestoreLedger's one-write path with limits.
import { describe, expect, it, vi } from 'vitest';
import { FirestoreLedger } from '../../functions/src/payments/ledger/firestoreLedger.js';
import { settle, type UserLimitState } from '../../functions/src/payments/limits/userLimiter.js';
import type { RunQuery } from '../../functions/src/resilience/query/runQuery.js';
import { adminDb } from './admin.js';
import { resetBreakers } from './breakers.js';
import { session, USERS } from './client.js';
import { setFaults, ledger as simulatorLedger } from './simulator.js';

describe('per-user limits', () => {
  it('over a limit: resource-exhausted with reason and retryAfterMs, nothing written or sent; other users unaffected', async () => {
    const greedy = await session('new');
    const other = await session('new');
    const db = adminDb();
    const t = Date.now();
    const limits = db.doc(`userLimits/${greedy.uid}`);
    const attempt = async (transactionId: string) => {
      const err = await greedy
        .call('processPayment', { amount: 3, paymentMethod: 'credit_card', transactionId })
        .catch((e: unknown) => e as { code?: string; details?: { reason?: string; retryAfterMs?: number } });
      expect((await db.doc(`payments/${transactionId}`).get()).exists).toBe(false);
      expect((await simulatorLedger()).chargeRequests[transactionId]).toBeUndefined();
      return err as { code?: string; details?: { reason?: string; retryAfterMs?: number } };
    };
    // The user's bucket is empty (as after a burst): refused until the next token.
    await limits.set({ tokens: 0, refilledAt: Date.now() + 60_000, inFlight: {} });
    const rate = await attempt(`lim_rate_${t}`);
    expect(rate).toMatchObject({ code: 'functions/resource-exhausted', details: { reason: 'user-rate' } });
    expect(rate.details?.retryAfterMs).toBeGreaterThan(0);
    // As many calls in progress as allowed (leases still running): refused until one ends.
    const inFlight = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`claim-${i}`, Date.now() + 30_000]));
    await limits.set({ tokens: 100, refilledAt: Date.now(), inFlight });
    const busy = await attempt(`lim_busy_${t}`);
    expect(busy).toMatchObject({ code: 'functions/resource-exhausted', details: { reason: 'user-in-flight' } });
    expect(busy.details?.retryAfterMs).toBeGreaterThan(20_000);
    const ok = await other.call('processPayment', {
      amount: 3,
      paymentMethod: 'credit_card' as const,
      transactionId: `lim_other_${t}`,
    });
    expect(ok).toMatchObject({ status: 'succeeded' });
    await limits.delete();
    await Promise.all([greedy.close(), other.close()]);
  });

  it("calls with another user's transactionId spend from the caller's limits: with the bucket empty, all 40 resource-exhausted", async () => {
    const owner = await session('new');
    const prober = await session('new');
    const db = adminDb();
    const id = `lim_owned_${Date.now()}`;
    await owner.call('processPayment', { amount: 3, paymentMethod: 'credit_card', transactionId: id });
    const limits = db.doc(`userLimits/${prober.uid}`);
    const probe = () => prober.codeOf('processPayment', { amount: 3, paymentMethod: 'credit_card', transactionId: id });
    // Within the budget the refusal is answered, after spending exactly one token (no refill: refilledAt is ahead).
    await limits.set({ tokens: 2, refilledAt: Date.now() + 60_000, inFlight: {} });
    expect(await probe()).toBe('permission-denied');
    expect((await limits.get()).data()).toMatchObject({ tokens: 1, inFlight: {} });
    // Past it (a refused call writes nothing, so the empty bucket stays empty): never permission-denied.
    await limits.set({ tokens: 0, refilledAt: Date.now() + 60_000, inFlight: {} });
    const codes: string[] = [];
    for (let i = 0; i < 40; i++) codes.push(await probe());
    expect(codes).toEqual(Array<string>(40).fill('resource-exhausted'));
    // Nothing charged or changed for the owner's payment.
    expect((await simulatorLedger()).chargeRequests[id]).toBe(1);
    expect((await db.doc(`payments/${id}`).get()).data()).toMatchObject({ uid: owner.uid, status: 'succeeded' });
    await limits.delete();
    await Promise.all([owner.close(), prober.close()]);
  });

  it("replays of the caller's own final payment spend: with the bucket empty, all 40 resource-exhausted", async () => {
    const payer = await session('new');
    const db = adminDb();
    const id = `lim_replay_${Date.now()}`;
    const call = { amount: 3, paymentMethod: 'credit_card' as const, transactionId: id };
    const first = await payer.call<{ status: string }>('processPayment', call);
    expect(first).toMatchObject({ status: 'succeeded' });
    const limits = db.doc(`userLimits/${payer.uid}`);
    // Within the budget the replay is answered, after spending exactly one token (no refill: refilledAt is ahead).
    await limits.set({ tokens: 2, refilledAt: Date.now() + 60_000, inFlight: {} });
    expect(await payer.call('processPayment', call)).toMatchObject({ status: 'succeeded', replayed: true });
    expect((await limits.get()).data()).toMatchObject({ tokens: 1, inFlight: {} });
    // Past it: never the replay.
    await limits.set({ tokens: 0, refilledAt: Date.now() + 60_000, inFlight: {} });
    const codes: string[] = [];
    for (let i = 0; i < 40; i++) codes.push(await payer.codeOf('processPayment', call));
    expect(codes).toEqual(Array<string>(40).fill('resource-exhausted'));
    expect((await simulatorLedger()).chargeRequests[id]).toBe(1);
    await limits.delete();
    await payer.close();
  });

  it('20 concurrent calls on one id: none unavailable or limited, and every one spent one token', async () => {
    const payer = await session('new');
    const db = adminDb();
    // Warm 20 workers first: the emulator starts one process per concurrent request (invalid: nothing spent).
    await Promise.all(
      Array.from({ length: 20 }, () => payer.codeOf('processPayment', { amount: -1, paymentMethod: 'credit_card' })),
    );
    const limits = db.doc(`userLimits/${payer.uid}`);
    await limits.set({ tokens: 100, refilledAt: Date.now() + 60_000, inFlight: {} });
    await setFaults({ mode: 'latency', latencyMs: 300 }); // the first charge stays in flight while the others arrive
    const id = `lim_concurrent_${Date.now()}`;
    const call = { amount: 4, paymentMethod: 'credit_card' as const, transactionId: id };
    const started = Date.now();
    const codes = await Promise.all(
      Array.from({ length: 20 }, () =>
        payer.call('processPayment', call).then(
          () => 'ok',
          (e: { code?: string }) => String(e.code),
        ),
      ),
    );
    const ended = Date.now();
    await setFaults({ mode: 'none' });
    expect(codes.filter((c) => c !== 'ok' && c !== 'functions/aborted')).toEqual([]);
    expect((await simulatorLedger()).chargeRequests[id]).toBe(1);
    // 20 spends, those written blind under contention included (settle folds them). The first write restarts
    // the refill (600 per minute here, scripts/emulator-config.mjs), so at most the run's duration refilled.
    const state = (await limits.get()).data() as UserLimitState;
    const settled = settle(state, { burst: 200, ratePerMin: 600, maxInFlight: 20 }, ended);
    expect(settled.tokens).toBeGreaterThanOrEqual(80);
    expect(settled.tokens).toBeLessThanOrEqual(80 + ((ended - started) * 600) / 60_000);
    await limits.delete();
    await payer.close();
  });

  it('while the breaker is open every call spends: past the budget all resource-exhausted, nothing else written', async () => {
    const [owner, prober, learner, admin] = await Promise.all([
      session('new'),
      session('new'),
      session('new'),
      session(USERS.admin),
    ]);
    const db = adminDb();
    const t = Date.now();
    const owned = `lim_open_owned_${t}`;
    await owner.call('processPayment', { amount: 3, paymentMethod: 'credit_card', transactionId: owned });
    const breaker = db.doc('breakers/payment-service');
    const generation = Number((await breaker.get()).data()?.generation ?? 0);
    const opened = Date.now();
    await breaker.set({
      ...{ state: 'open', generation, openedAt: opened, nextProbeAt: opened + 120_000 },
      ...{ probeLeases: [], failureRate: 100, calls: 5, updatedAt: opened },
    });
    try {
      // Once the instance's copy of the breaker (refreshed at most once a second) is older than a second, its next
      // call re-reads it and learns that it is open (sequential calls go to the emulator's first idle worker).
      await vi.waitFor(
        () => {
          if (Date.now() - opened < 1100) throw new Error('the copy may still be fresh');
        },
        { timeout: 5000, interval: 100 },
      );
      for (let i = 0; i < 3; i++) {
        const learn = { amount: 3, paymentMethod: 'credit_card', transactionId: `${owned}_l${i}` };
        expect(await learner.codeOf('processPayment', learn)).toBe('unavailable');
      }
      const limits = db.doc(`userLimits/${prober.uid}`);
      const ids = Array.from({ length: 13 }, (_, i) => `lim_open_${t}_${i}`);
      const pay = (transactionId: string) =>
        prober.codeOf('processPayment', { amount: 3, paymentMethod: 'credit_card', transactionId });
      // Within the budget: refused by the breaker after spending exactly one token (no refill: refilledAt is ahead).
      await limits.set({ tokens: 2, refilledAt: Date.now() + 60_000, inFlight: {} });
      expect(await pay(ids[0]!)).toBe('unavailable');
      expect((await limits.get()).data()).toMatchObject({ tokens: 1, inFlight: {} });
      // Past it (a refused call writes nothing, so the empty bucket stays empty): all limited, another user's id too.
      await limits.set({ tokens: 0, refilledAt: Date.now() + 60_000, inFlight: {} });
      const codes: string[] = [];
      for (const id of [...ids.slice(1), owned]) codes.push(await pay(id));
      expect(codes).toEqual(Array<string>(13).fill('resource-exhausted'));
      expect((await limits.get()).data()).toMatchObject({ tokens: 0, inFlight: {} });
      expect(Object.keys((await limits.get()).data()!).sort()).toEqual(['inFlight', 'refilledAt', 'tokens']);
      // Nothing written but the spend: no payment record, no charge.
      const records = await Promise.all(ids.map((id) => db.doc(`payments/${id}`).get()));
      expect(records.filter((r) => r.exists)).toEqual([]);
      const charges = (await simulatorLedger()).chargeRequests;
      expect(ids.filter((id) => charges[id] !== undefined)).toEqual([]);
      expect((await db.doc(`payments/${owned}`).get()).data()).toMatchObject({ uid: owner.uid, status: 'succeeded' });
      await limits.delete();
    } finally {
      await resetBreakers(admin, 'payment-service');
      await Promise.all([owner.close(), prober.close(), learner.close(), admin.close()]);
    }
  });

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
      paymentMethod: 'credit_card' as const,
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
