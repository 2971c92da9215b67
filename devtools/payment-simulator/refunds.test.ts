import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.ts';
import { RefundBook, validateRefund } from './refunds.ts';
import type { RefundRequest } from './refunds.ts';
import type { Reply } from './replies.ts';
import type { RefundRecord } from './shapes.ts';

const NOW = { keyTtlMs: Number.POSITIVE_INFINITY, status: 'succeeded' as const };
const refund = (refundId: string, amount: number, transactionId = 'tx-1'): RefundRequest => ({
  transactionId,
  refundId,
  amount,
  currency: 'USD',
});

/** A charge ledger holding a succeeded 1999 USD charge `tx-1` and a declined `tx-d`, its refunds, on a clock the test moves. */
function bookAt(start = 1_000_000) {
  let t = start;
  const charges = new Ledger(() => t);
  const forever = { keyTtlMs: Number.POSITIVE_INFINITY };
  charges.charge({ transactionId: 'tx-1', amount: 1999, currency: 'USD', paymentMethod: 'card' }, forever);
  charges.charge({ transactionId: 'tx-d', amount: 402, currency: 'USD', paymentMethod: 'card' }, forever);
  const book = new RefundBook(
    (id) => charges.find(id),
    () => t,
  );
  return { book, advance: (ms: number) => (t += ms) };
}

function answered(result: ReturnType<RefundBook['refund']>): Reply {
  if (result.kind !== 'answered') throw new Error(`expected an answer, got ${result.kind}`);
  return result.reply;
}
const code = (reply: Reply) => (reply.body as { error: { code: string } }).error.code;
const record = (reply: Reply) => reply.body as RefundRecord;

describe('refunds of a charge', () => {
  it('refunds in parts up to the charge and refuses the cent beyond it', () => {
    const { book } = bookAt();
    const first = answered(book.refund(refund('rf-1', 1000), NOW));
    expect(first.status).toBe(201);
    expect(record(first)).toMatchObject({ refundId: 'rf-1', transactionId: 'tx-1', amount: 1000, status: 'succeeded' });
    expect(record(first).id).toMatch(/^re_/);
    const over = answered(book.refund(refund('rf-2', 1000), NOW));
    expect([over.status, code(over)]).toEqual([422, 'REFUND_EXCEEDS_CHARGE']);
    expect(answered(book.refund(refund('rf-3', 999), NOW)).status).toBe(201);
    expect(book.snapshot().refunds.map((r) => r.amount)).toEqual([1000, 999]);
  });

  it('replays a key with the same parameters (200, same id) and refuses other ones (409 IDEMPOTENCY_CONFLICT)', () => {
    const { book } = bookAt();
    const id = record(answered(book.refund(refund('rf-1', 500), NOW))).id;
    const again = answered(book.refund(refund('rf-1', 500), NOW));
    expect([again.status, record(again).id]).toEqual([200, id]);
    for (const other of [refund('rf-1', 501), { ...refund('rf-1', 500), transactionId: 'tx-d' }]) {
      const conflict = answered(book.refund(other, NOW));
      expect([conflict.status, code(conflict)]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    }
    expect(book.snapshot().refunds).toHaveLength(1);
  });

  it('refuses a refund of a declined or unknown charge (404 CHARGE_NOT_FOUND) and of another currency (400)', () => {
    const { book } = bookAt();
    for (const transactionId of ['tx-d', 'tx-none']) {
      const missing = answered(book.refund(refund('rf-x', 100, transactionId), NOW));
      expect([missing.status, code(missing)]).toEqual([404, 'CHARGE_NOT_FOUND']);
    }
    const euros = answered(book.refund({ ...refund('rf-e', 100), currency: 'EUR' }, NOW));
    expect([euros.status, code(euros)]).toEqual([400, 'INVALID_REQUEST']);
    expect(book.snapshot().refunds).toEqual([]);
  });
});

describe('pending refunds', () => {
  it('hold their amount until settled; a failed one gives it back, and a final one cannot be settled again', () => {
    const { book } = bookAt();
    expect(record(answered(book.refund(refund('rf-p', 1999), { ...NOW, status: 'pending' }))).status).toBe('pending');
    expect(code(answered(book.refund(refund('rf-q', 1), NOW)))).toBe('REFUND_EXCEEDS_CHARGE');
    const failed = book.settle('rf-p', 'failed');
    expect(failed).toMatchObject({ status: 200, body: { status: 'failed', failureReason: 'refund_failed' } });
    expect(book.find('rf-p')).toMatchObject({ status: 'failed' });
    // A repeat of the key shows the refund as it is now.
    expect(record(answered(book.refund(refund('rf-p', 1999), NOW))).status).toBe('failed');
    expect(answered(book.refund(refund('rf-q', 1999), NOW)).status).toBe(201);
    expect(code(book.settle('rf-p', 'succeeded'))).toBe('REFUND_NOT_PENDING');
    expect(code(book.settle('rf-none', 'succeeded'))).toBe('NOT_FOUND');
  });
});

describe('delayed commits and key retention', () => {
  it('reserves a refund still to commit: the key is in use, the amount taken, lookups find nothing yet', () => {
    const { book, advance } = bookAt();
    expect(book.refund(refund('rf-late', 1500), { ...NOW, commitAt: 1_005_000 })).toEqual({
      kind: 'scheduled',
      commitAt: 1_005_000,
    });
    expect(code(answered(book.refund(refund('rf-late', 1500), NOW)))).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(code(answered(book.refund(refund('rf-more', 500), NOW)))).toBe('REFUND_EXCEEDS_CHARGE');
    expect(book.find('rf-late')).toBeUndefined();
    expect(book.snapshot().pendingCommits).toEqual({ 'rf-late': new Date(1_005_000).toISOString() });
    advance(5_000);
    expect(book.find('rf-late')).toMatchObject({ status: 'succeeded', createdAt: new Date(1_005_000).toISOString() });
    expect(answered(book.refund(refund('rf-late', 1500), NOW)).status).toBe(200);
  });

  it('refunds a forgotten key again when the charge has room, and never beyond it', () => {
    const { book, advance } = bookAt();
    const ttl = { ...NOW, keyTtlMs: 60_000 };
    answered(book.refund(refund('rf-ttl', 900), ttl));
    advance(60_000);
    expect(answered(book.refund(refund('rf-ttl', 900), ttl)).status).toBe(201);
    advance(60_000);
    expect(code(answered(book.refund(refund('rf-ttl', 900), ttl)))).toBe('REFUND_EXCEEDS_CHARGE');
    expect(book.snapshot().refunds.map((r) => r.refundId)).toEqual(['rf-ttl', 'rf-ttl']);
  });

  it('counts requests per key and clears everything', () => {
    const { book } = bookAt();
    book.countRequest('rf-1');
    book.countRequest('rf-1');
    answered(book.refund(refund('rf-1', 10), NOW));
    expect(book.snapshot().refundRequests).toEqual({ 'rf-1': 2 });
    book.clear();
    expect(book.snapshot()).toEqual({ refunds: [], refundRequests: {}, pendingCommits: {} });
    expect(book.find('rf-1')).toBeUndefined();
  });
});

describe('validateRefund', () => {
  const valid = { transactionId: 'tx-1', refundId: 'rf-1', amount: 100, currency: 'USD' };
  it('accepts a valid body whose key is the refundId', () => {
    expect(validateRefund(valid, 'rf-1')).toEqual(valid);
  });
  it.each([
    [{ ...valid, amount: 0 }, 'rf-1', 'INVALID_REQUEST'],
    [{ ...valid, amount: 1.5 }, 'rf-1', 'INVALID_REQUEST'],
    [{ ...valid, currency: 'usd' }, 'rf-1', 'INVALID_REQUEST'],
    [{ ...valid, refundId: '' }, '', 'INVALID_REQUEST'],
    [{ ...valid, transactionId: 'x'.repeat(256) }, 'rf-1', 'INVALID_REQUEST'],
    [[valid], 'rf-1', 'INVALID_REQUEST'],
    [valid, undefined, 'MISSING_IDEMPOTENCY_KEY'],
    [valid, 'tx-1', 'IDEMPOTENCY_KEY_MISMATCH'],
  ])('refuses %j with key %s: %s', (body, key, expected) => {
    const reply = validateRefund(body, key) as Reply;
    expect([reply.status, code(reply)]).toEqual([400, expected]);
  });
});
