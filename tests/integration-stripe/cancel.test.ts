// cancelPayment in Stripe mode: the real callable through the Firebase web SDK, the functions emulator with
// PAYMENT_PROVIDER=stripe and the Stripe fake, whose PaymentIntent must end canceled before the ledger says so.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CancelPaymentResult, ProcessPaymentResult } from '../../functions/src/api/index.js';
import { USERS, errorOf, session, type Session } from '../integration/client.js';
import { expectLedgersAgree } from './ledgerCheck.js';
import { txnIds, recordOf } from './records.js';
import {
  apiRequests,
  completeAuthentication,
  fakeLedger,
  flushWebhooks,
  holdWebhooks,
  intentsOf,
  setFaults,
  warmWebhook,
  webhooksDelivered,
} from './stripeFake.js';

const txn = txnIds('stc');

describe('cancelPayment with the Stripe provider, against the Stripe fake', () => {
  let user: Session, other: Session, admin: Session;
  const pay = (s: Session, transactionId: string, paymentMethodId: string) =>
    s.call<ProcessPaymentResult>('processPayment', {
      amount: 25.99,
      paymentMethod: 'credit_card',
      transactionId,
      paymentMethodId,
    });
  const cancel = (s: Session, transactionId: string) => s.call<CancelPaymentResult>('cancelPayment', { transactionId });
  /** A payment waiting for 3-D Secure, with its PaymentIntent. */
  const waiting = async (s: Session, tag: string) => {
    const id = txn(tag);
    expect(await pay(s, id, 'pm_card_authenticationRequired')).toMatchObject({ status: 'requires_action' });
    const [pi] = await intentsOf(id);
    expect(pi).toMatchObject({ status: 'requires_action' });
    return { id, pi: pi! };
  };

  beforeAll(async () => {
    [user, other, admin] = await Promise.all([session('new'), session('new'), session(USERS.admin), warmWebhook()]);
    await admin.call('resetCircuitBreakers', {});
  });
  afterEach(async () => {
    await setFaults({ mode: 'none' });
    await holdWebhooks(false);
    await flushWebhooks('created');
    await webhooksDelivered();
    await expectLedgersAgree();
  });
  afterAll(async () => Promise.all([user, other, admin].map((s) => s?.close())));

  it('owner: a requires_action payment is canceled at Stripe, then in the ledger; the customer can no longer finish it', async () => {
    const { id, pi } = await waiting(user, '3ds');
    expect(await cancel(user, id)).toEqual({ transactionId: id, status: 'canceled' });
    expect((await intentsOf(id))[0]).toMatchObject({ id: pi.id, status: 'canceled' });
    expect(await recordOf(id)).toMatchObject({ status: 'canceled', providerRef: pi.id, claimId: null });
    // The client still holds the client secret: Stripe refuses to finish a canceled PaymentIntent.
    await expect(completeAuthentication(pi.id)).rejects.toThrow(/in status requires_action/);
    expect((await intentsOf(id))[0]).toMatchObject({ status: 'canceled', latest_charge: null });
    await webhooksDelivered();
    expect(await recordOf(id)).toMatchObject({ status: 'canceled' });
    const before = await apiRequests();
    expect(await cancel(user, id)).toEqual({ transactionId: id, status: 'canceled' });
    expect(await pay(user, id, 'pm_card_authenticationRequired')).toMatchObject({ status: 'canceled', replayed: true });
    expect(await apiRequests()).toBe(before);
  });

  it('admin: cancels another user`s waiting payment at Stripe', async () => {
    const { id, pi } = await waiting(user, 'admin');
    expect(await cancel(admin, id)).toEqual({ transactionId: id, status: 'canceled' });
    expect((await intentsOf(id))[0]).toMatchObject({ id: pi.id, status: 'canceled' });
    expect(await recordOf(id)).toMatchObject({ status: 'canceled', uid: user.uid });
  });

  it('another user -> permission-denied: no Stripe request, the PaymentIntent still waiting', async () => {
    const { id } = await waiting(user, 'other');
    const before = await apiRequests();
    expect(await errorOf(cancel(other, id))).toMatchObject({
      code: 'permission-denied',
      details: { code: 'PAYMENT_FORBIDDEN' },
    });
    expect(await apiRequests()).toBe(before);
    expect((await intentsOf(id))[0]).toMatchObject({ status: 'requires_action' });
    expect(await recordOf(id)).toMatchObject({ status: 'requires_action', claimId: null });
  });

  it('a final payment (declined) -> failed-precondition naming it, no Stripe request', async () => {
    const id = txn('declined');
    expect(await pay(user, id, 'pm_card_chargeDeclined')).toMatchObject({ status: 'declined' });
    const before = await apiRequests();
    expect(await errorOf(cancel(user, id))).toMatchObject({
      code: 'failed-precondition',
      details: { code: 'PAYMENT_NOT_CANCELABLE', status: 'declined' },
    });
    expect(await apiRequests()).toBe(before);
  });

  it('charged at Stripe before the ledger knew (webhook held): Stripe refuses the cancel, the ledger records succeeded', async () => {
    const { id, pi } = await waiting(user, 'charged');
    await holdWebhooks(true);
    await completeAuthentication(pi.id);
    expect(await recordOf(id)).toMatchObject({ status: 'requires_action' });
    const cancels = (await fakeLedger()).requestsByEndpoint.cancel ?? 0;
    const err = await errorOf(cancel(user, id));
    expect(err).toMatchObject({ code: 'failed-precondition', details: { status: 'succeeded' } });
    expect((await fakeLedger()).requestsByEndpoint.cancel).toBe(cancels + 1);
    const [settled] = await intentsOf(id);
    expect(settled).toMatchObject({ status: 'succeeded' });
    expect(await recordOf(id)).toMatchObject({ status: 'succeeded', chargeId: settled!.latest_charge, claimId: null });
  });

  it('bad input -> invalid-argument, nothing written or sent', async () => {
    const id = txn('bad');
    const before = await apiRequests();
    for (const payload of [{}, { transactionId: '__x__' }, { transactionId: id, reason: 'x' }]) {
      expect(await errorOf(user.call('cancelPayment', payload))).toMatchObject({ code: 'invalid-argument' });
    }
    expect(await recordOf(id)).toBeUndefined();
    expect(await apiRequests()).toBe(before);
  });
});
