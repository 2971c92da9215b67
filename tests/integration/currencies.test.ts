// Money truth in generic mode: amounts reach the provider in ISO 4217 minor units, amounts the currency cannot
// hold are refused before anything is written or sent, and only the contract's NOT_FOUND reads as "not charged".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessPaymentResult } from '../../functions/src/api/index.js';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { adminDb } from './admin.js';
import { USERS, session, type Session, errorOf } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';
import { resetBreakers } from './breakers.js';
import { ledger, setFaults } from './simulator.js';

const txn = (tag: string) => `cur_${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const recordOf = async (id: string) =>
  (await adminDb().doc(`payments/${id}`).get()).data() as PaymentRecord | undefined;

describe('currencies and lookups against the generic contract', () => {
  let user: Session, admin: Session;
  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin)]);
  });
  // Other suites' fixtures may be in the ledger already (this file's place in the order is not fixed).
  eachTestFromACleanProvider(() => admin, 'cur_');
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  it('HUF has two ISO 4217 minor units: 12.34 HUF is 1234 at the provider and in the ledger', async () => {
    const id = txn('huf');
    const res = await user.call<ProcessPaymentResult>('processPayment', {
      amount: 12.34,
      currency: 'HUF',
      paymentMethod: 'credit_card',
      transactionId: id,
    });
    expect(res).toMatchObject({ status: 'succeeded', amount: 12.34, currency: 'HUF' });
    const charge = (await ledger()).charges.find((c) => c.transactionId === id);
    expect(charge).toMatchObject({ amount: 1234, currency: 'HUF', status: 'succeeded' });
    expect(await recordOf(id)).toMatchObject({ amount: 1234, currency: 'HUF', status: 'succeeded' });
  });

  it('ISK has none: 12.3 ISK is invalid-argument naming the rule, nothing written or sent', async () => {
    const id = txn('isk');
    const err = await errorOf(
      user.call('processPayment', { amount: 12.3, currency: 'ISK', paymentMethod: 'credit_card', transactionId: id }),
    );
    expect(err).toMatchObject({ code: 'invalid-argument' });
    expect(err.message).toContain('ISK allows at most 0 decimal places');
    expect(await recordOf(id)).toBeUndefined();
    expect((await ledger()).chargeRequests[id]).toBeUndefined();
  });

  it("a lookup's 404 without the contract's NOT_FOUND (a gateway's) leaves the payment unknown", async () => {
    const id = txn('gw404');
    // Every charge fails with a 5xx (may have charged, for all the backend knows), every lookup meets the gateway.
    await setFaults({ mode: 'errors', errorRate: 1, lookupFault: 'gateway-404' });
    const pay = () =>
      user.call<ProcessPaymentResult>('processPayment', { amount: 7, paymentMethod: 'credit_card', transactionId: id });
    expect((await errorOf(pay())).code).toBe('deadline-exceeded');
    expect(await recordOf(id)).toMatchObject({ status: 'unknown', error: { code: 'LOOKUP_UNAVAILABLE' } });
    expect((await ledger()).charges.find((c) => c.transactionId === id)).toBeUndefined();

    // The provider answers again: its own NOT_FOUND proves nothing was charged, and the payment goes through once.
    await setFaults({ mode: 'none' });
    await resetBreakers(admin);
    expect(await pay()).toMatchObject({ status: 'succeeded', amount: 7, replayed: false });
    expect((await ledger()).charges.filter((c) => c.transactionId === id)).toHaveLength(1);
  });
});
