import { describe, expect, it } from 'vitest';
import {
  LIST_PAYMENTS_LIMIT,
  type ListPaymentsRequest,
  type PaymentHistoryEvent,
  type PaymentStatus,
} from '../../api/index.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';
import { ISO_4217_MONEY } from '../iso4217.js';
import { getPayment, listPayments, type ExplorerDeps } from './explorer.js';
import type { RefundRecord } from '../refunds/refundLedger.js';
import { MemoryPaymentReader } from './memoryPaymentReader.js';

const T0 = Date.UTC(2026, 11, 1);

function record(over: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    uid: 'alice',
    amount: 2599,
    currency: 'USD',
    paymentMethod: 'credit_card',
    status: 'succeeded',
    attempts: 1,
    chargeId: 'ch_1',
    requestHash: 'hash-secret',
    claimId: 'claim-1',
    leaseUntil: T0 + 5000,
    providerRef: 'pi_123',
    openAttemptAt: null,
    createdAt: T0,
    updatedAt: T0 + 10,
    ...over,
  };
}

function event(n: number): PaymentHistoryEvent {
  return {
    id: `${T0 + n}-${String(n).padStart(4, '0')}`,
    at: T0 + n,
    type: 'attempt.sent',
    actor: { kind: 'user', uid: 'alice' },
    statusBefore: 'pending',
    statusAfter: 'pending',
    reason: null,
    details: { attempt: n },
  };
}

function refund(over: Partial<RefundRecord> = {}): RefundRecord {
  return {
    refundId: 'rf_1',
    transactionId: 't2',
    amount: 1000,
    currency: 'USD',
    reason: 'requested_by_customer',
    status: 'succeeded',
    providerRefundId: 're_1',
    source: 'callable',
    uid: 'alice',
    paymentRef: 'pi_123',
    requestedBy: 'root',
    requestHash: 'refund-hash-secret',
    attempts: 1,
    claimId: null,
    leaseUntil: null,
    openAttemptAt: null,
    failureReason: null,
    error: null,
    createdAt: T0 + 20,
    updatedAt: T0 + 30,
    ...over,
  };
}

function setup(
  records: [string, PaymentRecord][] = [],
  history: Record<string, PaymentHistoryEvent[]> = {},
  refunds: Record<string, RefundRecord[]> = {},
) {
  const ledger = new MemoryLedger(() => T0);
  for (const [id, r] of records) ledger.put(id, r);
  const reader = new MemoryPaymentReader(() => ledger.entries());
  const refundLedger = { listRefunds: (id: string) => Promise.resolve(structuredClone(refunds[id] ?? [])) };
  // The history as the ledger's listEvents answers it (MemoryLedger writes events only with its own commits).
  const withHistory = {
    get: (id: string) => ledger.get(id),
    listEvents: (id: string) => Promise.resolve(structuredClone(history[id] ?? [])),
  };
  const deps: ExplorerDeps = { ledger: withHistory, reader, refunds: refundLedger, money: ISO_4217_MONEY };
  return deps;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

describe('getPayment', () => {
  const dispute = {
    id: 'dp_1',
    status: 'needs_response',
    reason: 'fraudulent',
    amount: 2599,
    evidenceDueBy: T0 + 86_400_000,
  };
  const deps = setup(
    [
      ['t1', record({ currency: 'JPY', amount: 500 })],
      ['t2', record({ refundedAmount: 1000, pendingRefundAmount: 599, dispute } as Partial<PaymentRecord>)],
    ],
    { t1: [event(1), event(2)], t2: [event(1)] },
    { t2: [refund(), refund({ refundId: 'rf_2', amount: 599, status: 'pending', providerRefundId: null })] },
  );

  it('shows the owner the payment and its refunds in major units, without the ledger internals', async () => {
    const { payment, refunds, ...rest } = await getPayment(deps, 't2', { uid: 'alice', admin: false });
    expect(rest).toEqual({});
    expect(refunds).toEqual([
      {
        refundId: 'rf_1',
        amount: 10,
        currency: 'USD',
        reason: 'requested_by_customer',
        status: 'succeeded',
        providerRefundId: 're_1',
        source: 'callable',
        createdAt: T0 + 20,
        updatedAt: T0 + 30,
      },
      expect.objectContaining({ refundId: 'rf_2', amount: 5.99, status: 'pending', providerRefundId: null }),
    ]);
    expect(payment).toMatchObject({
      transactionId: 't2',
      amount: 25.99,
      refundedAmount: 10,
      pendingRefundAmount: 5.99,
      dispute: { ...dispute, amount: 25.99 },
    });
    const shown = JSON.stringify({ payment, refunds });
    for (const internal of ['hash-secret', 'claim-1', 'pi_123', 'leaseUntil', 'requestHash', 'requestedBy', 'root'])
      expect(shown).not.toContain(internal);
  });

  it("shows an admin anyone's payment with its internals; a zero-decimal currency stays whole", async () => {
    const detail = await getPayment(deps, 't1', { uid: 'root', admin: true });
    expect(detail.payment).toMatchObject({ amount: 500, currency: 'JPY', refundedAmount: 0, pendingRefundAmount: 0 });
    expect('internals' in detail && detail.internals).toEqual({
      providerRef: 'pi_123',
      leaseUntil: T0 + 5000,
      openAttemptAt: null,
    });
    expect('events' in detail && detail.events.map((e) => e.details.attempt)).toEqual([1, 2]);
    const owner = await getPayment(deps, 't1', { uid: 'alice', admin: false });
    expect('events' in owner).toBe(false);
    expect(detail.payment.dispute).toBeNull();
  });

  it('refuses another user and answers not found for an unknown id', async () => {
    expect(await codeOf(getPayment(deps, 't1', { uid: 'mallory', admin: false }))).toBe('PAYMENT_FORBIDDEN');
    expect(await codeOf(getPayment(deps, 'nope', { uid: 'root', admin: true }))).toBe('PAYMENT_NOT_FOUND');
  });

  it("reads an admin's payment through the refund seal reader (instead of the ledger's get) and answers its seal", async () => {
    const reads: string[] = [];
    const sealing: ExplorerDeps = {
      ...deps,
      ledger: { ...deps.ledger, get: (id) => (reads.push(`get:${id}`), deps.ledger.get(id)) },
      refundSeals: {
        readWithSeal: async (id, uid) => {
          reads.push(`sealed:${id}:${uid}`);
          const record = await deps.ledger.get(id);
          return { record, refundSeal: record ? `seal-of-${id}-for-${uid}` : null };
        },
      },
    };
    const detail = await getPayment(sealing, 't2', { uid: 'root', admin: true });
    expect('refundSeal' in detail && detail.refundSeal).toBe('seal-of-t2-for-root');
    expect(detail.payment).toEqual((await getPayment(deps, 't2', { uid: 'root', admin: true })).payment);
    // The owner is no admin: no seal, the ledger's own read.
    const owner = await getPayment(sealing, 't2', { uid: 'alice', admin: false });
    expect('refundSeal' in owner).toBe(false);
    expect(reads).toEqual(['sealed:t2:root', 'get:t2']);
    expect(await codeOf(getPayment(sealing, 'nope', { uid: 'root', admin: true }))).toBe('PAYMENT_NOT_FOUND');
    // Without a seal to give (none answered), the answer has no refundSeal field.
    const none: ExplorerDeps = {
      ...deps,
      refundSeals: { readWithSeal: async (id) => ({ record: await deps.ledger.get(id), refundSeal: null }) },
    };
    expect('refundSeal' in (await getPayment(none, 't2', { uid: 'root', admin: true }))).toBe(false);
  });
});

describe('listPayments', () => {
  const statuses: PaymentStatus[] = ['succeeded', 'declined', 'unknown'];
  // 60 payments, three per millisecond, so pages end between payments of the same creation time.
  const rows: [string, PaymentRecord][] = Array.from({ length: 60 }, (_, i) => [
    `t${String(i).padStart(2, '0')}`,
    record({ uid: i % 2 ? 'alice' : 'bob', status: statuses[i % 3]!, createdAt: T0 + Math.floor(i / 3) }),
  ]);
  const deps = setup(rows);

  async function all(req: Omit<ListPaymentsRequest, 'cursor'>) {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listPayments(deps, { ...req, ...(cursor ? { cursor } : {}) });
      seen.push(...page.payments.map((p) => p.transactionId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    return { seen, pages };
  }

  it('pages newest first without gaps or repeats, and the last page has no cursor', async () => {
    const { seen, pages } = await all({ limit: 7 });
    const expected = rows
      .map(([id, r]) => [id, r.createdAt] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))
      .map(([id]) => id);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(60 / 7));
    const exact = await all({ limit: 20 });
    expect(exact.pages).toBe(3);
  });

  it('combines filters', async () => {
    const { seen } = await all({ status: 'declined', uid: 'alice', from: T0 + 2, to: T0 + 15, limit: 3 });
    const expected = rows.filter(
      ([, r]) => r.status === 'declined' && r.uid === 'alice' && r.createdAt >= T0 + 2 && r.createdAt < T0 + 15,
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(expected.map(([id]) => id).sort());
  });

  it(`defaults to ${LIST_PAYMENTS_LIMIT.default} a page`, async () => {
    const page = await listPayments(deps, {});
    expect(page.payments).toHaveLength(LIST_PAYMENTS_LIMIT.default);
    expect(page.nextCursor).not.toBeNull();
  });

  it('refuses a malformed cursor, and one from a listing with other filters', async () => {
    const first = await listPayments(deps, { status: 'succeeded', limit: 2 });
    expect(await codeOf(listPayments(deps, { cursor: 'not-a-cursor' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(listPayments(deps, { cursor: first.nextCursor! }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(listPayments(deps, { status: 'succeeded', cursor: first.nextCursor! }))).toBe('ok');
  });
});
