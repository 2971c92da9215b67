// refundPayment in generic mode: the real callable through the Firebase web SDK, the functions emulator and the
// payment simulator's POST /refund and GET /refund/<refundId>. After every test the simulator's refunds and the
// ledger's agree (ledgerCheck.ts expectRefundsAgree, run by eachTestFromACleanProvider).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdminPaymentDetail,
  ProcessPaymentResult,
  ReconcileReport,
  RefundPaymentResult,
} from '../../functions/src/api/index.js';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import type { RefundRecord } from '../../functions/src/payments/refunds/refundLedger.js';
import { adminDb } from './admin.js';
import { resetBreakers } from './breakers.js';
import { USERS, errorOf, session, type Session } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';
import { writeUnsettledRecord } from './paymentRecords.js';
import { refunds, setFaults } from './simulator.js';

const PREFIX = 'rf_';
const unique = (tag: string) => `${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const txn = (tag: string) => `${PREFIX}${unique(tag)}`;
const paymentOf = async (id: string) =>
  (await adminDb().doc(`payments/${id}`).get()).data() as PaymentRecord | undefined;
const refundRecordOf = async (id: string, refundId: string) =>
  (await adminDb().doc(`payments/${id}/refunds/${refundId}`).get()).data() as RefundRecord | undefined;
/** What the simulator refunded of payment `id`: [refundId, amount (minor units), status], oldest first. */
const refundedAt = async (id: string) =>
  (await refunds()).refunds.filter((r) => r.transactionId === id).map((r) => [r.refundId, r.amount, r.status]);
/** How many `POST /refund` the simulator received with this refundId as Idempotency-Key. */
const requestsFor = async (refundId: string) => (await refunds()).refundRequests[refundId] ?? 0;

/** An `unknown` record of 3.00 USD for `uid`, as a call that lost its answer leaves it; no charge stands behind it. */
async function unknownFixture(id: string, uid: string): Promise<void> {
  await writeUnsettledRecord(id, uid, 300, Date.now());
}

/** Polls `check` every 100 ms until it is truthy (about `ms`), then resolves with its value. */
async function until<T>(check: () => Promise<T>, what: string, ms = 20_000): Promise<NonNullable<T>> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

describe('refundPayment through the functions emulator and the payment simulator', () => {
  let user: Session, admin: Session;
  const pay = async (amount: number, tag = 'pay') => {
    const id = txn(tag);
    const res = await user.call<ProcessPaymentResult>('processPayment', {
      amount,
      paymentMethod: 'credit_card',
      transactionId: id,
    });
    return { id, res };
  };
  const paid = async (amount: number) => {
    const { id, res } = await pay(amount);
    expect(res).toMatchObject({ status: 'succeeded' });
    return id;
  };
  const refund = (s: Session, transactionId: string, refundId: string, amount?: number) =>
    s.call<RefundPaymentResult>('refundPayment', {
      transactionId,
      refundId,
      ...(amount === undefined ? {} : { amount }),
    });

  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin)]);
  });
  eachTestFromACleanProvider(() => admin, PREFIX);
  const fixtures: string[] = [];
  afterAll(async () => {
    // Fixtures stand for no provider charge: other suites' whole-ledger checks must not meet them.
    await Promise.all(fixtures.map((id) => adminDb().doc(`payments/${id}`).delete()));
    await Promise.all([user, admin].map((s) => s?.close()));
  });

  it('refunds a payment in full: one provider refund, the record and the total written', async () => {
    const id = await paid(12.34);
    const rf = unique('full');
    const res = await refund(admin, id, rf);
    expect(res).toEqual({
      transactionId: id,
      refundId: rf,
      status: 'succeeded',
      amount: 12.34,
      currency: 'USD',
      refundedAmount: 12.34,
      replayed: false,
    });
    expect(await refundedAt(id)).toEqual([[rf, 1234, 'succeeded']]);
    const [providerRefund] = (await refunds()).refunds.filter((r) => r.refundId === rf);
    expect(await refundRecordOf(id, rf)).toMatchObject({
      amount: 1234,
      status: 'succeeded',
      providerRefundId: providerRefund!.id,
    });
    expect(await paymentOf(id)).toMatchObject({ status: 'succeeded', refundedAmount: 1234, pendingRefundAmount: 0 });
  });

  it("a refund appears in the payment's history (getPayment): requested by the admin, then settled", async () => {
    const id = await paid(9.99);
    const rf = unique('history');
    expect(await refund(admin, id, rf, 4)).toMatchObject({ status: 'succeeded', refundedAmount: 4 });
    const detail = await admin.call<AdminPaymentDetail>('getPayment', { transactionId: id });
    const mine = detail.events.filter((e) => e.details.refundId === rf);
    expect(mine.map((e) => [e.type, e.details.refundStatusBefore, e.details.refundStatus])).toEqual([
      ['refund.requested', null, 'pending'],
      ['refund.settled', 'pending', 'succeeded'],
    ]);
    expect(mine[0]!.actor).toEqual({ kind: 'user', uid: admin.uid });
    const [providerRefund] = (await refunds()).refunds.filter((r) => r.refundId === rf);
    expect(mine[1]).toMatchObject({
      statusBefore: 'succeeded',
      statusAfter: 'succeeded',
      details: { amount: 400, currency: 'USD', source: 'callable', providerRefundId: providerRefund!.id },
    });
    // After the payment's own events, and nothing secret in them.
    expect(detail.events.findIndex((e) => e.type === 'outcome.recorded')).toBeLessThan(detail.events.indexOf(mine[0]!));
    expect(JSON.stringify(mine)).not.toMatch(/secret|Bearer|apiKey/i);
  });

  it('refunds in two parts, then the rest; nothing is left after that', async () => {
    const id = await paid(20);
    const [a, b, rest, more] = ['p1', 'p2', 'rest', 'more'].map(unique);
    expect(await refund(admin, id, a!, 5)).toMatchObject({ amount: 5, refundedAmount: 5 });
    expect(await refund(admin, id, b!, 7.5)).toMatchObject({ amount: 7.5, refundedAmount: 12.5 });
    expect(await refund(admin, id, rest!)).toMatchObject({ amount: 7.5, refundedAmount: 20, status: 'succeeded' });
    const none = await errorOf(refund(admin, id, more!, 0.01));
    expect(none).toMatchObject({ code: 'failed-precondition', details: { refundable: 0 } });
    expect(await refundedAt(id)).toEqual([
      [a, 500, 'succeeded'],
      [b, 750, 'succeeded'],
      [rest, 750, 'succeeded'],
    ]);
    expect(await requestsFor(more!)).toBe(0);
    expect(await paymentOf(id)).toMatchObject({ refundedAmount: 2000 });
  });

  it('a replay of a refundId answers the recorded refund and sends no second refund', async () => {
    const id = await paid(9);
    const rf = unique('replay');
    const first = await refund(admin, id, rf, 4);
    expect(await refund(admin, id, rf, 4)).toEqual({ ...first, replayed: true });
    expect(await requestsFor(rf)).toBe(1);
    expect(await refundedAt(id)).toEqual([[rf, 400, 'succeeded']]);
  });

  it('the same refundId with another amount is already-exists, and nothing more is refunded', async () => {
    const id = await paid(9);
    const rf = unique('other');
    await refund(admin, id, rf, 4);
    expect(await errorOf(refund(admin, id, rf, 5))).toMatchObject({ code: 'already-exists' });
    expect(await requestsFor(rf)).toBe(1);
    expect(await refundedAt(id)).toEqual([[rf, 400, 'succeeded']]);
  });

  it('an amount above what is left is failed-precondition with the refundable amount, and nothing is sent', async () => {
    const id = await paid(10);
    await refund(admin, id, unique('part'), 6);
    const rf = unique('above');
    const err = await errorOf(refund(admin, id, rf, 4.01));
    expect(err).toMatchObject({ code: 'failed-precondition', details: { refundable: 4 } });
    expect(await requestsFor(rf)).toBe(0);
    expect(await refundRecordOf(id, rf)).toBeUndefined();
  });

  it('a declined payment, a payment whose outcome is unknown and an unknown transactionId cannot be refunded', async () => {
    const declined = await pay(4.02, 'declined');
    expect(declined.res).toMatchObject({ status: 'declined' });
    const rf = unique('declined');
    expect(await errorOf(refund(admin, declined.id, rf))).toMatchObject({ code: 'failed-precondition' });
    const open = txn('unknown');
    fixtures.push(open);
    await unknownFixture(open, user.uid!);
    expect(await errorOf(refund(admin, open, unique('unknown')))).toMatchObject({ code: 'failed-precondition' });
    expect(await errorOf(refund(admin, txn('never'), unique('never')))).toMatchObject({ code: 'not-found' });
    expect(await requestsFor(rf)).toBe(0);
    expect((await refunds()).refunds.filter((r) => [declined.id, open].includes(r.transactionId))).toEqual([]);
  });

  it('a plain user cannot refund, not even their own payment', async () => {
    const id = await paid(5);
    const rf = unique('user');
    expect(await errorOf(refund(user, id, rf))).toMatchObject({ code: 'permission-denied' });
    expect(await requestsFor(rf)).toBe(0);
    expect(await paymentOf(id)).not.toHaveProperty('refundedAmount', expect.any(Number));
  });

  it('a lost answer (refunded, then reset; lookups too slow) is unknown, then settled succeeded with one refund', async () => {
    const id = await paid(8);
    const rf = unique('lost');
    // Every attempt refunds (the first) or replays, then the connection is reset; lookups take longer than the backend waits.
    await setFaults({ mode: 'lost-response', latencyMs: 3200 });
    const err = await errorOf(refund(admin, id, rf, 3));
    expect(err).toMatchObject({ code: 'deadline-exceeded', details: { refundId: rf, status: 'unknown' } });
    expect(await refundRecordOf(id, rf)).toMatchObject({ status: 'unknown', amount: 300 });
    expect(await paymentOf(id)).toMatchObject({ refundedAmount: 0, pendingRefundAmount: 300 });
    expect(await refundedAt(id)).toEqual([[rf, 300, 'succeeded']]);
    await setFaults({ mode: 'none' });
    await resetBreakers(admin);
    // The repeat call looks the refund up first and finds it: no second refund is sent.
    const sent = await requestsFor(rf);
    expect(await refund(admin, id, rf, 3)).toMatchObject({ status: 'succeeded', refundedAmount: 3 });
    expect(await requestsFor(rf)).toBe(sent);
    expect(await refundedAt(id)).toEqual([[rf, 300, 'succeeded']]);
    expect(await refundRecordOf(id, rf)).toMatchObject({ status: 'succeeded' });
    expect(await paymentOf(id)).toMatchObject({ refundedAmount: 300, pendingRefundAmount: 0 });
  });

  it('a lost answer is settled by runReconciliation (no repeat call): succeeded, one refund, totals moved', async () => {
    const id = await paid(7);
    const rf = unique('lostrec');
    await setFaults({ mode: 'lost-response', latencyMs: 3200 });
    expect(await errorOf(refund(admin, id, rf, 2))).toMatchObject({ code: 'deadline-exceeded' });
    expect(await refundRecordOf(id, rf)).toMatchObject({ status: 'unknown', amount: 200 });
    await setFaults({ mode: 'none' });
    await resetBreakers(admin);
    const sent = await requestsFor(rf);
    const report = await admin.call<ReconcileReport>('runReconciliation', {});
    expect(report.refunds!.refunded).toBeGreaterThanOrEqual(1);
    expect(await refundRecordOf(id, rf)).toMatchObject({ status: 'succeeded' });
    expect(await paymentOf(id)).toMatchObject({ refundedAmount: 200, pendingRefundAmount: 0 });
    // Reconciliation only looks refunds up: nothing more was sent, and the provider made one refund.
    expect(await requestsFor(rf)).toBe(sent);
    expect(await refundedAt(id)).toEqual([[rf, 200, 'succeeded']]);
  });

  it('a 5xx, then success: one refund', async () => {
    const id = await paid(6);
    const rf = unique('5xx');
    await setFaults({ mode: 'errors', errorRate: 1 });
    const call = refund(admin, id, rf, 2);
    // The first attempt met the 5xx: let the next one through.
    await until(() => requestsFor(rf), 'the first refund attempt');
    await setFaults({ mode: 'none' });
    expect(await call).toMatchObject({ status: 'succeeded', amount: 2, refundedAmount: 2, replayed: false });
    expect(await requestsFor(rf)).toBeGreaterThanOrEqual(2);
    expect(await refundedAt(id)).toEqual([[rf, 200, 'succeeded']]);
  });
});
