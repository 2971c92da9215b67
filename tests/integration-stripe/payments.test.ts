// processPayment in Stripe mode: the real callable through the Firebase web SDK,
// the functions emulator with PAYMENT_PROVIDER=stripe, the Stripe fake as the
// provider, and the fake's signed webhooks delivered to the emulated stripeWebhook.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProcessPaymentResult } from '../../functions/src/api/index.js';
import { type Session, errorOf } from '../integration/client.js';
import { txnIds, recordOf, recordBecomes } from './records.js';
import {
  apiRequests,
  completeAuthentication,
  fakeLedger,
  intentsOf,
  setFaults,
  settleProcessing,
  stripeApi,
} from './stripeFake.js';
import { useStripeSuite } from './suite.js';

const txn = txnIds('st');

describe('processPayment with the Stripe provider, against the Stripe fake', () => {
  const suite = useStripeSuite({ resetBreakersAfterEach: false });
  let user: Session, admin: Session;
  const pay = (transactionId: string, paymentMethodId: string, amount = 25.99) =>
    user.call<ProcessPaymentResult>('processPayment', {
      amount,
      paymentMethod: 'credit_card',
      transactionId,
      paymentMethodId,
    });

  beforeAll(() => ({ user, admin } = suite));

  it('succeeds: one PaymentIntent created with its metadata, confirmed once, recorded with its charge', async () => {
    const id = txn('ok');
    const res = await pay(id, 'pm_card_visa');
    const [pi] = await intentsOf(id);
    expect(res).toMatchObject({ status: 'succeeded', amount: 25.99, currency: 'USD', attempts: 1, replayed: false });
    expect(pi).toMatchObject({ status: 'succeeded', amount: 2599, currency: 'usd', payment_method: 'pm_card_visa' });
    expect(pi!.metadata).toEqual({ transactionId: id, uid: user.uid });
    expect(res.chargeId).toBe(pi!.latest_charge);
    expect(await recordOf(id)).toMatchObject({ status: 'succeeded', providerRef: pi!.id, chargeId: res.chargeId });
    const { requestsByKey } = await fakeLedger();
    expect([requestsByKey[`${id}:create`], requestsByKey[`${id}:confirm`]]).toEqual([1, 1]);
  });

  it('declines: the decline code comes from Stripe', async () => {
    const id = txn('decline');
    expect(await pay(id, 'pm_card_chargeDeclined')).toMatchObject({
      status: 'declined',
      declineCode: 'generic_decline',
      replayed: false,
    });
    expect(await recordOf(id)).toMatchObject({ status: 'declined', declineCode: 'generic_decline' });
  });

  it('replays the same transactionId without a Stripe request', async () => {
    const id = txn('replay');
    const { seal: firstSeal, ...first } = await pay(id, 'pm_card_visa', 10);
    const before = await apiRequests();
    const { seal: againSeal, ...again } = await pay(id, 'pm_card_visa', 10);
    expect(again).toEqual({ ...first, replayed: true });
    // A seal of the caller's limits comes with an answer whose instance holds a copy of them (docs/callables.md):
    // the replay's spend leaves one; the charge's outcome, written through the transaction once the PaymentIntent's
    // id was stored, does not (its commit time is not known per document).
    expect([typeof firstSeal, typeof againSeal]).toEqual(['undefined', 'string']);
    expect(await apiRequests()).toBe(before);
  });

  it('3-D Secure: requires_action with a client secret, then the webhook settles it succeeded', async () => {
    const id = txn('3ds');
    const res = await pay(id, 'pm_card_authenticationRequired');
    expect(res).toMatchObject({ status: 'requires_action', chargeId: '' });
    const [pi] = await intentsOf(id);
    expect(res.clientSecret).toBe(pi!.client_secret);
    expect(await recordOf(id)).toMatchObject({ status: 'requires_action', providerRef: pi!.id });
    const confirms = (await fakeLedger()).requestsByEndpoint.confirm;
    await completeAuthentication(pi!.id);
    const settled = await recordBecomes(id, 'succeeded');
    expect(settled.chargeId).toBe((await intentsOf(id))[0]!.latest_charge);
    expect((await fakeLedger()).requestsByEndpoint.confirm).toBe(confirms); // settled by the event, not a request
    expect(await pay(id, 'pm_card_authenticationRequired')).toMatchObject({
      status: 'succeeded',
      chargeId: settled.chargeId,
      replayed: true,
    });
  });

  it('processing: answered processing, then the webhook settles it succeeded', async () => {
    const id = txn('processing');
    expect(await pay(id, 'pm_fake_processing')).toMatchObject({ status: 'processing', chargeId: '' });
    const [pi] = await intentsOf(id);
    expect(await recordOf(id)).toMatchObject({ status: 'processing', providerRef: pi!.id });
    await settleProcessing(pi!.id);
    expect((await recordBecomes(id, 'succeeded')).chargeId).toBe((await intentsOf(id))[0]!.latest_charge);
  });

  it('a 500 after the confirm executed is resolved by a retrieve, never a second confirm', async () => {
    const id = txn('500');
    await setFaults({ mode: 'error-after', endpoint: 'confirm', count: 1 });
    const before = await fakeLedger();
    const res = await pay(id, 'pm_card_visa');
    const after = await fakeLedger();
    expect(res).toMatchObject({ status: 'succeeded', chargeId: (await intentsOf(id))[0]!.latest_charge });
    expect(after.requestsByKey[`${id}:confirm`]).toBe(1);
    expect(after.requestsByEndpoint.confirm! - before.requestsByEndpoint.confirm!).toBe(1);
    expect(after.requestsByEndpoint.retrieve! - (before.requestsByEndpoint.retrieve ?? 0)).toBeGreaterThanOrEqual(1);
  });

  it('409 idempotency_key_in_use: retried with the same key, then succeeded, charged once', async () => {
    const id = txn('409');
    await setFaults({ mode: 'key-in-use', endpoint: 'confirm', count: 1 });
    const before = (await fakeLedger()).requestsByEndpoint.confirm ?? 0;
    expect(await pay(id, 'pm_card_visa')).toMatchObject({ status: 'succeeded', attempts: 2 });
    const after = await fakeLedger();
    expect(after.requestsByEndpoint.confirm! - before).toBe(2);
    const [pi] = await intentsOf(id);
    expect(after.charges.filter((c) => c.payment_intent === pi!.id)).toHaveLength(1);
  });

  it('idempotency_error (the confirm key was used for another request): failed-precondition, nothing charged', async () => {
    const id = txn('idem');
    // Another client of the account already used this payment's confirm key, on its own PaymentIntent.
    const foreign = await stripeApi(
      'POST',
      '/v1/payment_intents',
      {
        amount: '500',
        currency: 'usd',
        payment_method: 'pm_card_visa',
        'automatic_payment_methods[enabled]': 'true',
        'automatic_payment_methods[allow_redirects]': 'never',
      },
      `other_${id}`,
    );
    expect(foreign.status).toBe(200);
    expect(
      (await stripeApi('POST', `/v1/payment_intents/${foreign.body.id}/confirm`, {}, `${id}:confirm`)).status,
    ).toBe(200);
    const err = await errorOf(pay(id, 'pm_card_visa'));
    expect(err).toMatchObject({ code: 'failed-precondition', details: { transactionId: id, status: 'failed' } });
    const [pi] = await intentsOf(id);
    expect(pi!.status).toBe('requires_confirmation');
    expect(await recordOf(id)).toMatchObject({ status: 'failed', providerRef: pi!.id });
  });

  it('getConnectionPoolStats names the provider, so the admin page offers the Stripe test PaymentMethods', async () => {
    expect(await admin.call('getConnectionPoolStats', {})).toMatchObject({ paymentProvider: 'stripe' });
  });

  it('refuses a payment without paymentMethodId (invalid-argument), writing and sending nothing', async () => {
    const id = txn('nopm');
    const before = await apiRequests();
    const err = await errorOf(
      user.call('processPayment', { amount: 5, paymentMethod: 'credit_card', transactionId: id }),
    );
    expect(err.code).toBe('invalid-argument');
    expect(await recordOf(id)).toBeUndefined();
    expect(await apiRequests()).toBe(before);
  });
});
