/**
 * A payment's history through the in-memory ledger: what the payment path,
 * reconciliation and a cancel append, in order, in the commits of the changes
 * they record; nothing for a write that changes nothing; nothing secret.
 */
import { describe, expect, it } from 'vitest';
import { PaymentStatus, type PaymentHistoryEvent } from '../../api/index.js';
import { reconcilePayments } from '../reconcile.js';
import { found, pay, paymentWorld, SETTINGS, timeout, ok } from '../testing/handlerKit.js';
import { ScriptedProvider } from '../testing/scriptedProvider.js';

/** The events as `type statusBefore->statusAfter [reason]`, the actor's kind and the small details. */
const brief = (events: PaymentHistoryEvent[]) =>
  events.map((e) => `${e.type} ${e.statusBefore}->${e.statusAfter}${e.reason ? ` ${e.reason}` : ''}`);

describe('payment history (memory ledger)', () => {
  it('a timeout, a lookup that proves nothing yet, then reconciliation that finds the charge: in order', async () => {
    const w = paymentWorld();
    const { handler } = w.handlerWith([timeout, timeout, timeout], [{ kind: 'not-found' }]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    w.clock += SETTINGS.settleMs + 60_000;
    const provider = new ScriptedProvider([], [found()]);
    const report = await reconcilePayments({
      ledger: w.ledger,
      provider,
      settleMs: SETTINGS.settleMs,
      budgetMs: 60_000,
      now: w.now,
    });
    expect(report).toMatchObject({ charged: 1 });
    const events = await w.ledger.listEvents('txn_1');
    expect(brief(events)).toEqual([
      'claimed null->pending',
      'attempt.sent pending->pending',
      'provider.answered pending->pending',
      'attempt.sent pending->pending',
      'provider.answered pending->pending',
      'attempt.sent pending->pending',
      'provider.answered pending->pending',
      'lookup.answered pending->pending',
      'outcome.recorded pending->unknown SETTLING',
      'reconcile.claimed unknown->pending',
      'lookup.answered pending->pending',
      'reconcile.decided pending->succeeded',
    ]);
    expect(events.filter((e) => e.type === 'attempt.sent').map((e) => e.details.attempt)).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.type === 'provider.answered').map((e) => e.details.answer)).toEqual([
      'timeout',
      'timeout',
      'timeout',
    ]);
    expect(events.filter((e) => e.type === 'lookup.answered').map((e) => e.details.result)).toEqual([
      'not-found',
      'succeeded',
    ]);
    expect(events[8]!.details).toMatchObject({ attempts: 3 });
    expect(events[0]!.actor).toEqual({ kind: 'user', uid: 'u1' });
    expect(events[8]!.actor).toEqual({ kind: 'user', uid: 'u1' });
    expect(events[9]!.actor).toMatchObject({ kind: 'function' });
    // Oldest first, and each id sorts as its place.
    const times = events.map((e) => e.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('a replay writes nothing, so it adds nothing', async () => {
    const w = paymentWorld();
    const { handler } = w.handlerWith([ok]);
    await handler.processPayment(pay(), 'u1');
    const first = await w.ledger.listEvents('txn_1');
    expect(brief(first)).toEqual([
      'claimed null->pending',
      'attempt.sent pending->pending',
      'provider.answered pending->pending',
      'outcome.recorded pending->succeeded',
    ]);
    expect(first[3]!.details).toEqual({ attempts: 1, chargeId: 'ch_1' });
    await expect(handler.processPayment(pay(), 'u1')).resolves.toMatchObject({ replayed: true });
    expect(await w.ledger.listEvents('txn_1')).toEqual(first);
  });

  it("a waiting payment's client secret is nowhere in its history", async () => {
    const w = paymentWorld();
    const secret = 'pi_1_secret_never_stored';
    const { handler } = w.handlerWith([{ kind: 'pending', state: 'requires_action', clientSecret: secret }]);
    await expect(handler.processPayment(pay(), 'u1')).resolves.toMatchObject({ status: 'requires_action' });
    const events = await w.ledger.listEvents('txn_1');
    expect(brief(events).at(-1)).toBe('outcome.recorded pending->requires_action');
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('money wins: a success over a failed record appends late_success with what it replaced', async () => {
    const w = paymentWorld();
    const { handler } = w.handlerWith([{ kind: 'rejected', httpStatus: 400 }]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_REJECTED' });
    await w.ledger.finalize('txn_1', 'webhook:evt_1', {
      status: PaymentStatus.succeeded,
      attempts: 1,
      chargeId: 'ch_late',
    });
    const events = await w.ledger.listEvents('txn_1');
    expect(brief(events).slice(-3)).toEqual([
      'outcome.recorded pending->failed HTTP_400',
      'outcome.recorded failed->succeeded',
      'late_success failed->succeeded failed',
    ]);
    expect(events.at(-1)!.details).toEqual({ chargeId: 'ch_late' });
  });

  it('a cancel by an admin: claimed and decided by the admin, the payer untouched', async () => {
    const w = paymentWorld();
    const { handler } = w.handlerWith([{ kind: 'pending', state: 'requires_action' }]);
    await handler.processPayment(pay(), 'u1');
    const claim = await w.ledger.claimForCancel('txn_1', { uid: 'admin1', admin: true }, 10_000, 60_000);
    expect(claim.kind).toBe('claimed');
    if (claim.kind !== 'claimed') return;
    await w.ledger.finalize('txn_1', claim.claimId, {
      status: PaymentStatus.canceled,
      attempts: 1,
      history: { actor: { kind: 'user', uid: 'admin1' }, type: 'cancel.decided' },
    });
    const events = await w.ledger.listEvents('txn_1');
    expect(brief(events).slice(-2)).toEqual([
      'cancel.claimed requires_action->pending',
      'cancel.decided pending->canceled',
    ]);
    expect(events.slice(-2).map((e) => e.actor)).toEqual([
      { kind: 'user', uid: 'admin1' },
      { kind: 'user', uid: 'admin1' },
    ]);
  });

  it('a refused claim (another user) and an unknown payment have no history', async () => {
    const w = paymentWorld();
    const { handler } = w.handlerWith([ok]);
    await handler.processPayment(pay(), 'u1');
    const before = await w.ledger.listEvents('txn_1');
    await expect(handler.processPayment(pay(), 'u2')).rejects.toMatchObject({ code: 'PAYMENT_FORBIDDEN' });
    expect(await w.ledger.listEvents('txn_1')).toEqual(before);
    expect(await w.ledger.listEvents('nope')).toEqual([]);
    await w.ledger.recordHistory('nope', [{ type: 'webhook.ignored', reason: 'stale' }]);
    expect(await w.ledger.listEvents('nope')).toEqual([]);
  });
});
