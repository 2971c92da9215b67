// A payment's history (payments/{transactionId}/events) as the emulator's functions and an in-process
// reconciliation pass write it: the events of a payment that lost its answers, whose lookup failed too,
// and that reconciliation settled later read in the order things happened and match what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirestoreLedger } from '../../functions/src/payments/index.js';
import type { PaymentHistoryEvent } from '../../functions/src/api/index.js';
import { adminDb } from './admin.js';
import { resetBreakers } from './breakers.js';
import { USERS, session, type Session } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';
import { committedCharges, newTxn, outcomeOf, reconcileNow, recordOf } from './moneySafetyKit.js';
import { ledger, setFaults } from './simulator.js';

/** The emulator's PAYMENT_SETTLE_MS (functions/.env). */
const SETTLE_MS = 60_000;

const events = (id: string): Promise<PaymentHistoryEvent[]> => {
  const db = adminDb();
  return new FirestoreLedger((fn) => fn(db)).listEvents(id);
};

describe('payment history (emulator, generic provider)', () => {
  let user: Session, admin: Session;
  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin)]);
  });
  eachTestFromACleanProvider(() => admin);
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  it('lost answers, a lookup that could not answer, then reconciliation: each step in order, nothing secret', async () => {
    await resetBreakers(admin);
    // Every attempt is charged and its answer lost; lookups answer after the backend's 3 s deadline.
    await setFaults({ mode: 'lost-response', latencyMs: 3200 });
    const id = newTxn('history');
    const first = await outcomeOf(
      user.call('processPayment', { amount: 12.34, paymentMethod: 'credit_card', transactionId: id }),
    );
    expect(first).toMatchObject({ code: 'deadline-exceeded', details: { status: 'unknown' } });
    const [charge] = await committedCharges([id]);
    const sent = (await ledger()).chargeRequests[id]!;
    await setFaults({ mode: 'none' });
    await reconcileNow(SETTLE_MS);
    expect(await recordOf(id)).toMatchObject({ status: 'succeeded', chargeId: charge!.id, attempts: sent });

    const history = await events(id);
    const attempts = Array.from({ length: sent }, (_, i) => [
      `attempt.sent pending->pending #${i + 1}`,
      `provider.answered pending->pending #${i + 1}`,
    ]).flat();
    expect(
      history.map((e) => {
        const n = e.details.attempt === undefined ? '' : ` #${String(e.details.attempt)}`;
        return `${e.type} ${e.statusBefore}->${e.statusAfter}${n}`;
      }),
    ).toEqual([
      'claimed null->pending',
      ...attempts,
      'lookup.answered pending->pending',
      'outcome.recorded pending->unknown',
      'reconcile.claimed unknown->pending',
      'lookup.answered pending->pending',
      'reconcile.decided pending->succeeded',
    ]);
    const lookups = history.filter((e) => e.type === 'lookup.answered');
    expect(lookups.map((e) => [e.details.result, e.reason])).toEqual([
      ['unavailable', 'LOOKUP_UNAVAILABLE'],
      ['succeeded', null],
    ]);
    expect(history.find((e) => e.type === 'outcome.recorded')).toMatchObject({
      reason: 'LOOKUP_UNAVAILABLE',
      actor: { kind: 'user', uid: user.uid },
      details: { attempts: sent },
    });
    expect(history.at(-1)).toMatchObject({ actor: { kind: 'function' }, details: { chargeId: charge!.id } });
    const times = history.map((e) => e.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(JSON.stringify(history)).not.toMatch(/secret|Bearer|apiKey/i);
  });
});
