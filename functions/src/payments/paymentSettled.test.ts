/**
 * `payment.settled`, what other systems hear of a payment: emitted once per
 * ledger commit that wrote succeeded, declined, failed or canceled over
 * another status, by each writer (a call, reconciliation, a cancel, the Stripe
 * webhook), after the commit, with the payer and the amount; never for a
 * replay, a status written back as it was, or an undecided one.
 */
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { settleFromIntent } from '../webhooks/stripeSettlement.js';
import { cancelPayment } from './cancelPayment.js';
import { requestHash, type PaymentRecord } from './ledger/paymentLedger.js';
import type { PaymentSettled } from './paymentEvents.js';
import type { ChargeAnswer } from './provider/paymentProvider.js';
import { reconcilePayments } from './reconcile.js';
import { ok, pay, paymentWorld, T0, timeout } from './testing/handlerKit.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';

let w: ReturnType<typeof paymentWorld>;
beforeEach(() => {
  w = paymentWorld();
});

/** The payment.settled events the world saw, as their fields. */
const settled = () => w.events.filter((e) => e.event === 'payment.settled').map((e) => e.fields);

/** Collects the settled events of the writers that take a sink of their own. */
function sink() {
  const seen: PaymentSettled[] = [];
  return { seen, emit: (e: { type: string }) => void (e.type === 'payment.settled' && seen.push(e as PaymentSettled)) };
}

const base = { amount: 2599, currency: 'USD', paymentMethod: 'credit_card' as const };
function put(over: Partial<PaymentRecord> = {}): void {
  w.ledger.put('txn_1', {
    uid: 'u1',
    ...base,
    status: 'unknown',
    attempts: 1,
    requestHash: requestHash(base),
    claimId: null,
    leaseUntil: null,
    openAttemptAt: T0,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  });
}

describe('payment.settled from a processPayment call', () => {
  it('a success: once, with the payer, the amount in minor units and the charge; a replay adds none', async () => {
    const first = await w.handlerWith([ok]).handler.processPayment(pay(), 'u1');
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(settled()).toEqual([
      {
        transactionId: 'txn_1',
        uid: 'u1',
        amount: 2599,
        currency: 'USD',
        status: 'succeeded',
        chargeId: 'ch_1',
        declineCode: null,
        errorCode: null,
        settledBy: 'payment',
      },
    ]);
    await w.handlerWith().handler.processPayment(pay(), 'u1');
    expect(settled()).toHaveLength(1);
  });

  it('a decline carries its code; a refusal is failed with its code; an open outcome tells nothing', async () => {
    const decline = { kind: 'declined', chargeId: 'ch_2', declineCode: 'card_declined', amount: 2599, currency: 'USD' };
    await w.handlerWith([decline as ChargeAnswer]).handler.processPayment(pay({ transactionId: 'd' }), 'u1');
    await w
      .handlerWith([{ kind: 'rejected', httpStatus: 400 }])
      .handler.processPayment(pay({ transactionId: 'f' }), 'u1')
      .catch(() => undefined);
    await w
      .handlerWith([timeout, timeout, timeout], [{ kind: 'unavailable', reason: 'down' }])
      .handler.processPayment(pay({ transactionId: 'u' }), 'u1')
      .catch(() => undefined);
    expect(await w.record('u')).toMatchObject({ status: 'unknown' });
    expect(settled().map((f) => [f.transactionId, f.status, f.declineCode, f.errorCode])).toEqual([
      ['d', 'declined', 'card_declined', null],
      ['f', 'failed', null, 'HTTP_400'],
    ]);
  });
});

describe('payment.settled from the other writers', () => {
  it('reconciliation: an unknown payment found charged', async () => {
    put();
    const charge = { kind: 'succeeded', chargeId: 'ch_9', amount: 2599, currency: 'USD' } as const;
    const provider = new ScriptedProvider([], [{ kind: 'found', charge }]);
    const { seen, emit } = sink();
    w.clock += 1000; // a pass looks at records last written before it began
    await reconcilePayments({ ledger: w.ledger, provider, settleMs: 1, budgetMs: 60_000, now: w.now, events: emit });
    expect(seen).toEqual([expect.objectContaining({ status: 'succeeded', chargeId: 'ch_9', settledBy: 'reconcile' })]);
  });

  it('a cancel: canceled once; a failed payment given back as it was tells nothing', async () => {
    put({ status: 'failed', attempts: 0, openAttemptAt: null });
    const { seen, emit } = sink();
    const deps = { ledger: w.ledger, provider: new ScriptedProvider(), settleMs: 1, now: w.now, events: emit };
    await cancelPayment(deps, 'txn_1', { uid: 'u1', admin: false });
    expect(seen).toEqual([expect.objectContaining({ status: 'canceled', uid: 'u1', settledBy: 'cancel' })]);

    put({ status: 'failed', attempts: 1, openAttemptAt: T0 });
    const unanswered = new ScriptedProvider([], [{ kind: 'unavailable', reason: 'HTTP 503' }]);
    await cancelPayment({ ...deps, provider: unanswered }, 'txn_1', { uid: 'u1', admin: false }).catch(() => undefined);
    expect(await w.record()).toMatchObject({ status: 'failed', claimId: null });
    expect(seen).toHaveLength(1);
  });

  it('the Stripe webhook: a late success over a failed payment, once however often it is delivered', async () => {
    put({ status: 'failed', providerRef: 'pi_1' });
    const pi = {
      id: 'pi_1',
      object: 'payment_intent',
      status: 'succeeded',
      amount: 2599,
      currency: 'usd',
      latest_charge: 'ch_1',
      last_payment_error: null,
      metadata: { transactionId: 'txn_1', uid: 'u1' },
    } as unknown as Stripe.PaymentIntent;
    const { seen, emit } = sink();
    for (const id of ['evt_1', 'evt_2'])
      await settleFromIntent({ ledger: w.ledger, now: w.now, emit }, 'txn_1', pi, id, Math.floor(w.clock / 1000));
    expect(seen).toEqual([expect.objectContaining({ status: 'succeeded', chargeId: 'ch_1', settledBy: 'webhook' })]);
  });
});
