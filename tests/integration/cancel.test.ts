// cancelPayment in generic mode: the real callable through the Firebase web SDK, the functions emulator and
// the payment simulator (whose contract has no cancel: a payment is canceled only when certainly not charged).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CancelPaymentResult, ProcessPaymentResult } from '../../functions/src/api/index.js';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { adminDb } from './admin.js';
import { USERS, errorOf, session, type Session } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';
import { writeUnsettledRecord } from './paymentRecords.js';
import { SIMULATOR_URL, ledger, stats } from './simulator.js';

const PREFIX = 'cx_';
const txn = (tag: string) => `${PREFIX}${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const recordOf = async (id: string) =>
  (await adminDb().doc(`payments/${id}`).get()).data() as PaymentRecord | undefined;
const written: string[] = [];

/** PAYMENT_SETTLE_MS of the emulated functions (functions/.env). */
const SETTLE_MS = Number(
  /^PAYMENT_SETTLE_MS=(\d+)/m.exec(readFileSync(new URL('../../functions/.env', import.meta.url), 'utf8'))![1],
);

/**
 * A record of 12.34 USD by credit card for `uid`, as a call left it (index shard included), written directly:
 * the state a call that lost its answer, or one refused before sending, leaves behind.
 */
async function fixture(id: string, uid: string, over: Partial<PaymentRecord>): Promise<void> {
  written.push(id);
  await writeUnsettledRecord(id, uid, 1234, Date.now() - 10 * SETTLE_MS, over);
}

describe('cancelPayment through the functions emulator and the payment simulator', () => {
  let user: Session, other: Session, admin: Session;
  const cancel = (s: Session, transactionId: string) => s.call<CancelPaymentResult>('cancelPayment', { transactionId });

  beforeAll(async () => {
    [user, other, admin] = await Promise.all([session('new'), session('new'), session(USERS.admin)]);
  });
  eachTestFromACleanProvider(() => admin, PREFIX);
  afterAll(async () => {
    // Fixtures stand for no provider charge: other suites' whole-ledger checks must not meet them. Charged ones stay.
    const charged = new Set((await ledger()).charges.map((c) => c.transactionId));
    const fixtures = written.filter((id) => !charged.has(id));
    await Promise.all(fixtures.map((id) => adminDb().doc(`payments/${id}`).delete()));
    await Promise.all([user, other, admin].map((s) => s?.close()));
  });

  it('owner: an unknown payment the provider never saw, past its settle window, is canceled; a replay answers canceled and charges nothing', async () => {
    const id = txn('unknown');
    await fixture(id, user.uid!, {});
    expect(await cancel(user, id)).toEqual({ transactionId: id, status: 'canceled' });
    expect(await recordOf(id)).toMatchObject({ status: 'canceled', claimId: null, leaseUntil: null, attempts: 1 });
    expect(await cancel(user, id)).toEqual({ transactionId: id, status: 'canceled' });
    const replay = await user.call<ProcessPaymentResult>('processPayment', {
      amount: 12.34,
      paymentMethod: 'credit_card',
      transactionId: id,
    });
    expect(replay).toMatchObject({ transactionId: id, status: 'canceled', chargeId: '', replayed: true });
    expect((await ledger()).charges.filter((c) => c.transactionId === id)).toEqual([]);
  });

  it('owner: a payment never sent (refused before any attempt) is canceled without asking the provider', async () => {
    const id = txn('never');
    await fixture(id, user.uid!, { status: 'failed', attempts: 0, openAttemptAt: null });
    const lookups = (await stats()).requests.lookup;
    expect(await cancel(user, id)).toEqual({ transactionId: id, status: 'canceled' });
    expect((await stats()).requests.lookup).toBe(lookups);
  });

  it('admin: cancels another user`s payment', async () => {
    const id = txn('admin');
    await fixture(id, user.uid!, { status: 'failed', openAttemptAt: null });
    expect(await cancel(admin, id)).toEqual({ transactionId: id, status: 'canceled' });
    expect(await recordOf(id)).toMatchObject({ status: 'canceled', uid: user.uid });
  });

  it('another user -> permission-denied, the record unchanged; an unknown id -> not-found', async () => {
    const id = txn('other');
    await fixture(id, user.uid!, {});
    const before = await recordOf(id);
    const err = await errorOf(cancel(other, id));
    expect(err).toMatchObject({ code: 'permission-denied', details: { code: 'PAYMENT_FORBIDDEN' } });
    expect(await recordOf(id)).toEqual(before);
    expect(await errorOf(cancel(user, txn('nobody')))).toMatchObject({
      code: 'not-found',
      details: { code: 'PAYMENT_NOT_FOUND' },
    });
  });

  it('a final payment (declined) and a charged one -> failed-precondition naming the status, nothing changed', async () => {
    for (const [amount, status] of [
      [4.02, 'declined'],
      [25.99, 'succeeded'],
    ] as const) {
      const id = txn(status);
      const paid = await user.call<ProcessPaymentResult>('processPayment', {
        amount,
        paymentMethod: 'credit_card',
        transactionId: id,
      });
      expect(paid.status).toBe(status);
      const before = await recordOf(id);
      const err = await errorOf(cancel(user, id));
      expect(err).toMatchObject({ code: 'failed-precondition', details: { code: 'PAYMENT_NOT_CANCELABLE', status } });
      expect(err.message).toContain(status);
      expect(await recordOf(id)).toEqual(before);
    }
  });

  it('an unknown payment the provider did charge: the charge is recorded and the cancel refused naming succeeded', async () => {
    const id = txn('charged');
    const apiKey = /PAYMENT_API_KEY=(.*)/
      .exec(readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8'))![1]!
      .trim();
    // The provider has the charge, the ledger does not know it (the call's answer was lost).
    const res = await fetch(`${SIMULATOR_URL}/charge`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', 'Idempotency-Key': id },
      body: JSON.stringify({ amount: 1234, currency: 'USD', paymentMethod: 'credit_card', transactionId: id }),
    });
    expect(res.status).toBe(201);
    const charge = (await res.json()) as { id: string };
    await fixture(id, user.uid!, {});
    const err = await errorOf(cancel(user, id));
    expect(err).toMatchObject({ code: 'failed-precondition', details: { status: 'succeeded' } });
    expect(await recordOf(id)).toMatchObject({ status: 'succeeded', chargeId: charge.id, claimId: null });
  });

  it('an unknown payment still inside its settle window -> failed-precondition with when to retry', async () => {
    const id = txn('settling');
    await fixture(id, user.uid!, { openAttemptAt: Date.now() - 1000 });
    const err = await errorOf(cancel(user, id));
    expect(err).toMatchObject({ code: 'failed-precondition', details: { status: 'unknown' } });
    expect(err.details?.retryAfterMs).toBeGreaterThan(SETTLE_MS - 60_000);
    expect(await recordOf(id)).toMatchObject({ status: 'unknown', claimId: null });
  });

  it('bad input -> invalid-argument naming the field, nothing written', async () => {
    const id = txn('bad');
    for (const payload of [{}, { transactionId: '__x__' }, { transactionId: 7 }, { transactionId: id, amount: 1 }]) {
      const err = await errorOf(user.call('cancelPayment', payload));
      expect(err).toMatchObject({ code: 'invalid-argument', details: { code: 'INVALID_ARGUMENT' } });
      expect(err.message).toMatch(/transactionId|amount/);
    }
    expect(await recordOf(id)).toBeUndefined();
  });
});
