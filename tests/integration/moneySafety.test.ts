// Money safety through processPayment when the provider keeps processing after the
// backend gave up: while the provider can still charge, the ledger never says
// `failed`; once it has charged, a repeat call and reconciliation both find that
// one charge; an idempotency key the provider may have forgotten is never sent again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetBreakers } from './breakers.js';
import { USERS, session, type Session } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';
import {
  chargeAtProvider,
  commitTimeOf,
  committedCharges,
  newTxn,
  outcomeOf,
  reconcileNow,
  recordOf,
  watchStatuses,
  writeOldRecord,
  type CallError,
} from './moneySafetyKit.js';
import { ledger, setFaults } from './simulator.js';

/** The emulator's PAYMENT_SETTLE_MS (functions/.env): reconciliation must use the same window. */
const SETTLE_MS = 60_000;
/** Older than the emulator's PAYMENT_IDEMPOTENCY_TTL_MS (24 h). */
const OLDER_THAN_KEY_TTL_MS = 25 * 3_600_000;
const AMOUNT = 12.34;

/** The callable's answer for a payment whose outcome is still open. */
function expectUnknown(outcome: CallError, transactionId: string): void {
  expect({ code: outcome.code, details: outcome.details }).toMatchObject({
    code: 'deadline-exceeded',
    details: { transactionId, status: 'unknown', code: 'PAYMENT_UNKNOWN' },
  });
}

describe('money safety through processPayment when the provider commits late or loses its answer', () => {
  let user: Session, admin: Session;
  const pay = (transactionId: string) =>
    outcomeOf(user.call('processPayment', { amount: AMOUNT, paymentMethod: 'credit_card', transactionId }));

  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin)]);
  });
  eachTestFromACleanProvider(() => admin);
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  /**
   * Phase 1 while the provider may still charge: a repeat call only looks the
   * payment up (never re-sends) and stays unknown, and reconciliation with the
   * real window leaves it unknown. Asserted before `commitAt`, or it proves nothing.
   */
  async function expectStillOpen(byCall: string, byReconcile: string, commitAt: number): Promise<void> {
    const sent = (await ledger()).chargeRequests[byCall];
    expectUnknown(await pay(byCall), byCall);
    expect((await ledger()).chargeRequests[byCall]).toBe(sent);
    await reconcileNow(SETTLE_MS);
    expect(await recordOf(byReconcile)).toMatchObject({ status: 'unknown' });
    expect(Date.now(), 'phase 1 ran past the commit: raise commitDelayMs').toBeLessThan(commitAt);
  }

  /**
   * Phase 2 once the provider has charged: a repeat call of `byCall` and a
   * reconciliation pass for `byReconcile` record `succeeded` with the one charge
   * each has; no request went out for either meanwhile; neither record ever said `failed`.
   */
  async function expectSettledOnce(
    byCall: string,
    byReconcile: string,
    watch: ReturnType<typeof watchStatuses>,
  ): Promise<void> {
    const charges = await committedCharges([byCall, byReconcile]);
    expect(charges.map((c) => c.transactionId).sort()).toEqual([byCall, byReconcile].sort());
    const chargeOf = (id: string) => charges.find((c) => c.transactionId === id)!;
    const sent = (await ledger()).chargeRequests;
    const repeat = await pay(byCall);
    expect(repeat).toMatchObject({ code: 'ok', details: { status: 'succeeded', chargeId: chargeOf(byCall).id } });
    await reconcileNow(SETTLE_MS);
    expect(await recordOf(byReconcile)).toMatchObject({ status: 'succeeded', chargeId: chargeOf(byReconcile).id });
    const after = (await ledger()).chargeRequests;
    expect([after[byCall], after[byReconcile]]).toEqual([sent[byCall], sent[byReconcile]]);
    for (const id of [byCall, byReconcile]) expect(watch.before(id, Date.now())).not.toContain('failed');
  }

  /**
   * After a failed assertion a late commit can still land on a record that says
   * `failed`; a repeat call once the charge has committed records the truth, so
   * the files after this one check their own ledger, not this test's leftovers.
   */
  async function recordTheTruth(ids: string[]): Promise<void> {
    const pending = Object.keys((await ledger()).pendingCommits).filter((id) => ids.includes(id));
    if (pending.length > 0) await committedCharges(pending);
    await setFaults({ mode: 'none' });
    for (const id of ids) if ((await recordOf(id))?.status === 'failed') await pay(id);
  }

  /**
   * The course of a fault whose charge commits late: two payments answered
   * unknown (`checkFirst` adds the fault's own expectations), still open before
   * the commit, then each settled once, one by a repeat call, one by reconciliation.
   */
  async function expectNeverFailedThenSettled(
    tag: string,
    checkFirst: (outcome: CallError, id: string) => Promise<void>,
  ): Promise<void> {
    const [byCall, byReconcile] = [newTxn(`${tag}_call`), newTxn(`${tag}_rec`)];
    const watch = watchStatuses([byCall, byReconcile]);
    try {
      const first = await Promise.all([pay(byCall), pay(byReconcile)]);
      for (const [i, id] of [byCall, byReconcile].entries()) {
        expectUnknown(first[i]!, id);
        await checkFirst(first[i]!, id);
      }
      const commitAt = Math.min(await commitTimeOf(byCall), await commitTimeOf(byReconcile));
      await expectStillOpen(byCall, byReconcile, commitAt);
      await expectSettledOnce(byCall, byReconcile, watch);
    } finally {
      watch.stop();
      await recordTheTruth([byCall, byReconcile]);
    }
  }

  it('accepted then commit (202): unknown until the commit, then one charge, settled by a repeat call and by reconciliation', async () => {
    await setFaults({ mode: 'accepted-then-commit', commitDelayMs: 6000 });
    await expectNeverFailedThenSettled('acc', async (outcome, id) => {
      // The 202 opened the settle window: the callable says how long "not found" proves nothing.
      expect(Number(outcome.details!.retryAfterMs)).toBeGreaterThan(SETTLE_MS - 15_000);
      expect(await recordOf(id)).toMatchObject({ status: 'unknown', error: { code: 'SETTLING' } });
      expect((await ledger()).chargeRequests[id]).toBe(1); // a 202 is not retried: the provider is on it
    });
  });

  it('late commit (no answer; the retry meets the key in use): unknown until the commit, then one charge', async () => {
    // Attempt 1 is held for the 5 s attempt deadline; attempt 2 arrives ~5.2 s in,
    // while the commit (12 s) is pending, and is answered 409 IDEMPOTENCY_KEY_IN_USE:
    // nothing is decided yet, so the payment must stay unknown, never failed.
    await setFaults({ mode: 'late-commit', commitDelayMs: 12_000 });
    await expectNeverFailedThenSettled('late', async (_outcome, id) => {
      expect(await recordOf(id)).toMatchObject({ status: 'unknown' });
    });
  });

  it('lost response (charged, then reset): never failed; found by the lookup, or settled later when the lookup fails too', async () => {
    await setFaults({ mode: 'lost-response' });
    const direct = newTxn('lost');
    const res = await pay(direct);
    const [charge] = await committedCharges([direct]);
    expect(res).toMatchObject({ code: 'ok', details: { status: 'succeeded', chargeId: charge!.id } });
    // Every attempt was reset after the commit: all went out with the same key and charged once.
    expect((await ledger()).chargeRequests[direct]).toBeGreaterThanOrEqual(3);

    // Slow lookups too (3.2 s > the backend's 3 s lookup deadline; attempts still reach the provider).
    // Each call's three resets are three provider failures at its own emulator worker, fewer than
    // CIRCUIT_MIN_CALLS (5) once the reset has cleared part 1's: the breaker stays closed for later tests.
    await resetBreakers(admin);
    await setFaults({ mode: 'lost-response', latencyMs: 3200 });
    const [byCall, byReconcile] = [newTxn('lost_call'), newTxn('lost_rec')];
    const watch = watchStatuses([byCall, byReconcile]);
    try {
      const first = await Promise.all([pay(byCall), pay(byReconcile)]);
      for (const [i, id] of [byCall, byReconcile].entries()) {
        expectUnknown(first[i]!, id);
        expect(await recordOf(id)).toMatchObject({ status: 'unknown', error: { code: 'LOOKUP_UNAVAILABLE' } });
      }
      await setFaults({ mode: 'none' });
      await expectSettledOnce(byCall, byReconcile, watch);
    } finally {
      watch.stop();
    }
  });

  it('key expiry: a transactionId older than the key retention is never sent again', async () => {
    // The provider remembers no key at all here: any re-send would be a second charge.
    await setFaults({ mode: 'none', keyTtlMs: 0 });
    const ids = {
      failed: newTxn('exp_failed'),
      unknownNever: newTxn('exp_never'),
      unknownCharged: newTxn('exp_charged'),
      reconcileCharged: newTxn('exp_rec_charged'),
      reconcileNever: newTxn('exp_rec_never'),
    };
    const minor = Math.round(AMOUNT * 100);
    const charged = {
      [ids.unknownCharged]: await chargeAtProvider(ids.unknownCharged, minor),
      [ids.reconcileCharged]: await chargeAtProvider(ids.reconcileCharged, minor),
    };
    await writeOldRecord(ids.failed, user.uid!, 'failed', minor, OLDER_THAN_KEY_TTL_MS);
    for (const id of [ids.unknownNever, ids.unknownCharged, ids.reconcileCharged, ids.reconcileNever]) {
      await writeOldRecord(id, user.uid!, 'unknown', minor, OLDER_THAN_KEY_TTL_MS);
    }
    const sentBefore = (await ledger()).chargeRequests;

    const expired = { code: 'failed-precondition', details: { status: 'failed', code: 'PAYMENT_KEY_EXPIRED' } };
    expect(await pay(ids.failed)).toMatchObject(expired);
    expect(await pay(ids.unknownNever)).toMatchObject(expired);
    expect(await recordOf(ids.unknownNever)).toMatchObject({ status: 'failed' });
    expect(await pay(ids.unknownCharged)).toMatchObject({
      code: 'ok',
      details: { status: 'succeeded', chargeId: charged[ids.unknownCharged]!.id },
    });
    await reconcileNow(SETTLE_MS);
    expect(await recordOf(ids.reconcileCharged)).toMatchObject({
      status: 'succeeded',
      chargeId: charged[ids.reconcileCharged]!.id,
    });
    expect(await recordOf(ids.reconcileNever)).toMatchObject({ status: 'failed', error: { code: 'NOT_CHARGED' } });
    expect(await pay(ids.reconcileNever)).toMatchObject(expired);
    // A repeat of each is still never sent.
    expect(await pay(ids.failed)).toMatchObject(expired);

    const sentAfter = (await ledger()).chargeRequests;
    for (const id of Object.values(ids)) expect({ id, sent: sentAfter[id] }).toEqual({ id, sent: sentBefore[id] });
  });
});
