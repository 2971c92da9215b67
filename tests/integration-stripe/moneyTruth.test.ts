// Money truth in Stripe mode, through the real callables: "not charged" only after
// the PaymentIntent is canceled at Stripe, abandoned payments canceled by
// reconciliation, a customer's client-side re-confirm, and money winning over a
// record that said not charged. The stage runs with PAYMENT_ACTION_TIMEOUT_MS=8000
// (scripts/emulator-config.mjs).
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerHealth, ProcessPaymentResult, ReconcileReport } from '../../functions/src/api/index.js';
import { errorOf, type Session } from '../integration/client.js';
import { txnIds, recordOf, recordBecomes } from './records.js';
import {
  clientConfirm,
  completeAuthenticationAs,
  fakeEvents,
  intentsOf,
  setFaults,
  webhooksDelivered,
} from './stripeFake.js';
import { useStripeSuite } from './suite.js';

/** PAYMENT_ACTION_TIMEOUT_MS of the test stage (scripts/emulator-config.mjs). */
const ACTION_TIMEOUT_MS = 8000;

const txn = txnIds('sm');

/** The one PaymentIntent of a transaction. */
async function intentOf(id: string) {
  const intents = await intentsOf(id);
  expect(intents).toHaveLength(1);
  return intents[0]!;
}

describe('money truth against the Stripe fake', () => {
  const suite = useStripeSuite({ resetBreakersAfterEach: true });
  let user: Session, admin: Session;
  const pay = (transactionId: string, paymentMethodId: string) =>
    user.call<ProcessPaymentResult>('processPayment', {
      amount: 31.5,
      paymentMethod: 'credit_card',
      transactionId,
      paymentMethodId,
    });
  const reconcile = () => admin.call<ReconcileReport>('runReconciliation', {});
  const ledgerHealth = async () => (await admin.call<{ ledger: LedgerHealth }>('getConnectionPoolStats', {})).ledger;

  beforeAll(() => ({ user, admin } = suite));

  it('a decline is canceled at Stripe before it is recorded declined', async () => {
    const id = txn('decline');
    expect(await pay(id, 'pm_card_chargeDeclined')).toMatchObject({
      status: 'declined',
      declineCode: 'generic_decline',
    });
    const pi = await intentOf(id);
    expect(pi).toMatchObject({ status: 'canceled', last_payment_error: { decline_code: 'generic_decline' } });
    expect(await recordOf(id)).toMatchObject({
      status: 'declined',
      declineCode: 'generic_decline',
      providerRef: pi.id,
    });
    await webhooksDelivered();
    expect((await recordOf(id))!.status).toBe('declined'); // the canceled event changes nothing
    const types = (await fakeEvents()).events.filter((e) => e.data.object.id === pi.id).map((e) => e.type);
    expect(types).toContain('payment_intent.canceled');
  });

  it('3-D Secure fails, the customer confirms again with another card: the ledger ends succeeded with the charge', async () => {
    const id = txn('reconfirm');
    const first = await pay(id, 'pm_card_authenticationRequired');
    expect(first).toMatchObject({ status: 'requires_action' });
    const pi = await intentOf(id);
    await completeAuthenticationAs(pi.id, false);
    await recordBecomes(id, 'requires_payment_method'); // waiting, not declined: Stripe lets the customer retry
    const waiting = await pay(id, 'pm_card_authenticationRequired');
    expect(waiting).toMatchObject({ status: 'requires_payment_method', clientSecret: pi.client_secret });
    const after = await clientConfirm(pi.id, waiting.clientSecret!, 'pm_card_visa');
    expect(after.status).toBe('succeeded');
    const settled = await recordBecomes(id, 'succeeded');
    expect(settled.chargeId).toBe(after.latest_charge);
    expect(await pay(id, 'pm_card_authenticationRequired')).toMatchObject({
      status: 'succeeded',
      chargeId: after.latest_charge,
      replayed: true,
    });
  });

  it('500s on every confirm: canceled at Stripe, never failed beside a live PaymentIntent', async () => {
    const id = txn('500s');
    await setFaults({ mode: 'error-before', endpoint: 'confirm', count: 100 });
    const answer = await pay(id, 'pm_card_visa').catch((e: unknown) => e);
    await setFaults({ mode: 'none' });
    const pi = await intentOf(id);
    const record = await recordOf(id);
    expect(record!.status).not.toBe('failed');
    if (record!.status === 'canceled') {
      expect(answer).toMatchObject({ status: 'canceled', chargeId: '' });
      expect(pi.status).toBe('canceled');
    } else {
      expect(record!.status).toBe('unknown');
      expect(answer).toMatchObject({ code: 'functions/deadline-exceeded' });
    }
    expect(pi.latest_charge).toBeNull();
  });

  it('abandoned: requires_action and requires_payment_method past PAYMENT_ACTION_TIMEOUT_MS are canceled at Stripe and in the ledger; a re-confirm is refused', async () => {
    const action = txn('abandoned');
    const failed = txn('abandoned3ds');
    expect(await pay(action, 'pm_card_authenticationRequired')).toMatchObject({ status: 'requires_action' });
    const waiting = await pay(failed, 'pm_card_authenticationRequired');
    const [actionPi, failedPi] = [await intentOf(action), await intentOf(failed)];
    await completeAuthenticationAs(failedPi.id, false);
    await recordBecomes(failed, 'requires_payment_method');
    // Before the timeout a pass only looks them up.
    await reconcile();
    expect((await recordOf(action))!.status).toBe('requires_action');
    expect((await intentOf(action)).status).toBe('requires_action');
    const created = Math.max((await recordOf(action))!.createdAt, (await recordOf(failed))!.createdAt);
    await new Promise((r) => setTimeout(r, Math.max(0, created + ACTION_TIMEOUT_MS + 500 - Date.now())));
    const report = await reconcile();
    expect(report.notCharged).toBeGreaterThanOrEqual(2);
    expect((await intentOf(action)).status).toBe('canceled');
    expect((await intentOf(failed)).status).toBe('canceled');
    expect((await recordOf(action))!.status).toBe('canceled');
    expect((await recordOf(failed))!.status).toBe('canceled');
    const refused = await clientConfirm(failedPi.id, waiting.clientSecret!, 'pm_card_visa').catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, message: expect.stringContaining('status of canceled') as string });
    expect(await pay(failed, 'pm_card_authenticationRequired')).toMatchObject({ status: 'canceled', replayed: true });
    expect(actionPi.id).not.toBe(failedPi.id);
  });

  it('money wins: a payment recorded failed that Stripe then charged becomes succeeded, and lateSuccesses counts it', async () => {
    const id = txn('late');
    const before = (await ledgerHealth()).lateSuccesses;
    // Every confirm rate-limited: never executed, so "failed" (nothing charged; the PaymentIntent unconfirmed).
    await setFaults({ mode: 'rate-limit', endpoint: 'confirm', count: 100 });
    expect(await errorOf(pay(id, 'pm_card_visa'))).toMatchObject({ code: 'resource-exhausted' });
    await setFaults({ mode: 'none' });
    expect((await recordOf(id))!.status).toBe('failed');
    const pi = await intentOf(id);
    expect(pi.status).toBe('requires_confirmation');
    // Confirmed anyway (a client holding its client secret): Stripe charges it and says so by webhook.
    const charged = await clientConfirm(pi.id, pi.client_secret, 'pm_card_visa');
    const record = await recordBecomes(id, 'succeeded');
    expect(record.chargeId).toBe(charged.latest_charge);
    expect((await ledgerHealth()).lateSuccesses).toBe(before + 1);
    expect(await pay(id, 'pm_card_visa')).toMatchObject({ status: 'succeeded', replayed: true });
  });
});
