import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdminPaymentDetail,
  GetPaymentResult,
  ListPaymentsRequest,
  ListPaymentsResult,
  PaymentStatus,
  ProcessPaymentResult,
} from '../../functions/src/api/index.js';
import type { PaymentRecord } from '../../functions/src/payments/ledger/paymentLedger.js';
import { shardOf } from '../../functions/src/payments/ledger/paymentShards.js';
import { adminDb } from './admin.js';
import { USERS, errorOf, session, type Session } from './client.js';

const run = `${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const SEEDED = 120;
/** The seeded payments' creation times: a window of their own, a year back, so no other suite's payment falls in it. */
const BASE = Date.now() - 365 * 86_400_000 + Math.floor(Math.random() * 1e9);
// Statuses no ledger check, scan or health count reads as money moved or undecided, so other suites never see them.
const STATUSES: PaymentStatus[] = ['canceled', 'failed'];

/** Seeded payment i: two per millisecond (pages end between payments of the same time), two payers, two statuses. */
function seeded(i: number): [string, PaymentRecord & { shard: number }] {
  const id = `explorer_${run}_${String(i).padStart(3, '0')}`;
  const record: PaymentRecord = {
    uid: `explorer-${run}-${i % 3 === 0 ? 'a' : 'b'}`,
    amount: 100 + i,
    currency: 'USD',
    paymentMethod: 'credit_card',
    status: STATUSES[i % 2]!,
    attempts: 0,
    requestHash: 'seeded',
    createdAt: BASE + Math.floor(i / 2),
    updatedAt: BASE + Math.floor(i / 2),
  };
  return [id, { ...record, shard: shardOf(id) }];
}
const rows = Array.from({ length: SEEDED }, (_, i) => seeded(i));
/** The listing's order: newest first, then transactionId descending. */
const newestFirst = (list: typeof rows) =>
  [...list].sort(([a, ra], [b, rb]) => rb.createdAt - ra.createdAt || (a < b ? 1 : a > b ? -1 : 0)).map(([id]) => id);

describe('getPayment and listPayments through the functions emulator', () => {
  let admin: Session, owner: Session, other: Session;
  let paid: ProcessPaymentResult;
  beforeAll(async () => {
    [admin, owner, other] = await Promise.all([session(USERS.admin), session('new'), session('new')]);
    const batch = adminDb().batch();
    for (const [id, r] of rows) batch.set(adminDb().doc(`payments/${id}`), r);
    await batch.commit();
    paid = await owner.call<ProcessPaymentResult>('processPayment', {
      amount: 25.99,
      paymentMethod: 'credit_card',
      transactionId: `explorer_${run}_paid`,
    });
  });
  afterAll(async () => {
    const batch = adminDb().batch();
    for (const [id] of rows) batch.delete(adminDb().doc(`payments/${id}`));
    await batch.commit();
    await Promise.all([admin, owner, other].map((s) => s?.close()));
  });

  /** Every page of a listing, following nextCursor. */
  async function listAll(req: Omit<ListPaymentsRequest, 'cursor'>) {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ListPaymentsResult = await admin.call('listPayments', { ...req, ...(cursor ? { cursor } : {}) });
      expect(page.payments.length).toBeLessThanOrEqual(req.limit ?? 25);
      ids.push(...page.payments.map((p) => p.transactionId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { ids, pages };
  }

  it('shows an admin the payment, its internals and its history', async () => {
    const detail = await admin.call<AdminPaymentDetail>('getPayment', { transactionId: paid.transactionId });
    expect(detail.payment).toMatchObject({
      transactionId: paid.transactionId,
      uid: owner.uid,
      amount: 25.99,
      currency: 'USD',
      status: 'succeeded',
      chargeId: paid.chargeId,
      refundedAmount: 0,
      dispute: null,
    });
    expect(detail.internals).toHaveProperty('leaseUntil');
    expect(detail.refunds).toEqual([]);
    // The call's history, written with its claim and its outcome (the attempt's events ride with the outcome).
    const types = detail.events.map((e) => e.type);
    expect(types[0]).toBe('claimed');
    expect(types).toEqual(expect.arrayContaining(['attempt.sent', 'provider.answered', 'outcome.recorded']));
    expect(detail.events.find((e) => e.type === 'outcome.recorded')).toMatchObject({ statusAfter: 'succeeded' });
  });

  it('shows the owner the payment and its refunds: no history, no internals', async () => {
    const detail = await owner.call<GetPaymentResult>('getPayment', { transactionId: paid.transactionId });
    expect(Object.keys(detail).sort()).toEqual(['payment', 'refunds']);
    expect(detail.refunds).toEqual([]);
    expect(detail.payment).toMatchObject({ transactionId: paid.transactionId, amount: 25.99, status: 'succeeded' });
    expect(JSON.stringify(detail)).not.toMatch(/claimId|leaseUntil|requestHash|providerRef/);
  });

  it('refuses another user, answers not-found for an unknown id and invalid-argument for a bad one', async () => {
    expect(await other.codeOf('getPayment', { transactionId: paid.transactionId })).toBe('permission-denied');
    expect(await admin.codeOf('getPayment', { transactionId: `explorer_${run}_none` })).toBe('not-found');
    expect(await owner.codeOf('getPayment', { transactionId: 'a/b' })).toBe('invalid-argument');
    const anonymous = await session();
    expect(await anonymous.codeOf('getPayment', { transactionId: paid.transactionId })).toBe('unauthenticated');
    await anonymous.close();
  });

  it('lists for admins only, and refuses bad filters naming them', async () => {
    expect(await owner.codeOf('listPayments', {})).toBe('permission-denied');
    const tooMany = await errorOf(admin.call('listPayments', { limit: 101 }));
    expect(tooMany).toMatchObject({
      code: 'invalid-argument',
      details: { problems: [expect.stringMatching(/^limit/)] },
    });
    expect(await admin.codeOf('listPayments', { status: 'lost' })).toBe('invalid-argument');
    expect(await admin.codeOf('listPayments', { from: 10, to: 5 })).toBe('invalid-argument');
    expect(await admin.codeOf('listPayments', { cursor: 'garbage' })).toBe('invalid-argument');
  });

  it('pages through 120 payments newest first without gaps or repeats', async () => {
    const window = { from: BASE, to: BASE + SEEDED };
    const { ids, pages } = await listAll({ ...window, limit: 7 });
    expect(ids).toEqual(newestFirst(rows));
    expect(pages).toBe(Math.ceil(SEEDED / 7));
    const full = await admin.call<ListPaymentsResult>('listPayments', { ...window, limit: 100 });
    expect(full.payments).toHaveLength(100);
    expect(full.payments[0]).toMatchObject({ amount: 2.19, currency: 'USD', refundedAmount: 0 });
  });

  it('lists by payer, by status and by time range, and the filters combine', async () => {
    const a = `explorer-${run}-a`;
    const byUid = await listAll({ uid: a, limit: 9 });
    expect(byUid.ids).toEqual(newestFirst(rows.filter(([, r]) => r.uid === a)));
    const window = { from: BASE, to: BASE + SEEDED };
    const byStatus = await listAll({ ...window, status: 'canceled', limit: 25 });
    expect(byStatus.ids).toEqual(newestFirst(rows.filter(([, r]) => r.status === 'canceled')));
    const range = { from: BASE + 10, to: BASE + 20 };
    const byTime = await listAll({ ...range, limit: 4 });
    expect(byTime.ids).toEqual(
      newestFirst(rows.filter(([, r]) => r.createdAt >= range.from && r.createdAt < range.to)),
    );
    expect(byTime.ids).toHaveLength(20);
    const combined = await listAll({ ...range, uid: a, status: 'failed', limit: 2 });
    const expected = rows.filter(
      ([, r]) => r.uid === a && r.status === 'failed' && r.createdAt >= range.from && r.createdAt < range.to,
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(combined.ids).toEqual(newestFirst(expected));
  });
});
