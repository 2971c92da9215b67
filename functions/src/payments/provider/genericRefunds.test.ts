import { beforeAll, describe, expect, it } from 'vitest';
import { holdsRefundSettleWindow, mayBeRefunded, type RefundRequest } from '../refunds/refundProvider.js';
import { useScriptedServer } from '../testing/scriptedServer.js';
import { GenericRefunds } from './genericRefunds.js';

// The refund adapter of the generic contract against a real HTTP server that answers what each test scripts.
const scripted = useScriptedServer();
const { replies, seen } = scripted;
let refunds: GenericRefunds;
let host: string;
beforeAll(() => {
  refunds = new GenericRefunds(scripted.provider().channel);
  host = scripted.host();
});

const req: RefundRequest = { transactionId: 'txn_1', refundId: 'rf_1', uid: 'u1', amount: 500, currency: 'USD' };
const object = (status = 'succeeded', extra: Record<string, unknown> = {}) => ({
  id: 're_1',
  refundId: 'rf_1',
  transactionId: 'txn_1',
  amount: 500,
  currency: 'USD',
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const error = (code: string) => ({ error: { code, message: code } });

describe('GenericRefunds (documented contract over real HTTP)', () => {
  it("sends POST /refund with the refundId as Idempotency-Key to the payment's pinned endpoint and reads the refund", async () => {
    replies.push({ status: 201, body: object() });
    expect(await refunds.refund(`txn_1@${host}`, req, 1000)).toEqual({
      kind: 'refund',
      refund: { providerRefundId: 're_1', refundId: 'rf_1', status: 'succeeded', amount: 500, currency: 'USD' },
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/refund',
        key: 'rf_1',
        auth: 'Bearer sk_test_secret',
        body: { transactionId: 'txn_1', refundId: 'rf_1', amount: 500, currency: 'USD' },
      },
    ]);
  });

  it('reads a repeat (200) and a pending refund as refunds; an object without its money as indeterminate', async () => {
    replies.push(
      { status: 200, body: object() },
      { status: 201, body: object('pending') },
      { status: 201, body: object('succeeded', { amount: undefined }) },
      { status: 200, body: { status: 'processing' } },
    );
    expect(await refunds.refund('txn_1', req, 1000)).toMatchObject({ kind: 'refund', refund: { status: 'succeeded' } });
    expect(await refunds.refund('txn_1', req, 1000)).toMatchObject({ kind: 'refund', refund: { status: 'pending' } });
    const noMoney = await refunds.refund('txn_1', req, 1000);
    expect(noMoney).toEqual({ kind: 'indeterminate', httpStatus: 201 });
    expect(holdsRefundSettleWindow(noMoney)).toBe(true);
    expect(await refunds.refund('txn_1', req, 1000)).toEqual({ kind: 'indeterminate', httpStatus: 200 });
  });

  it('maps each refusal of the contract to "rejected": nothing refunded', async () => {
    const refusals: [number, string][] = [
      [404, 'CHARGE_NOT_FOUND'],
      [422, 'REFUND_EXCEEDS_CHARGE'],
      [409, 'IDEMPOTENCY_CONFLICT'],
      [400, 'INVALID_REQUEST'],
      [401, 'UNAUTHORIZED'],
    ];
    for (const [status, code] of refusals) replies.push({ status, body: error(code) });
    for (const [status, code] of refusals) {
      const answer = await refunds.refund('txn_1', req, 1000);
      expect(answer).toEqual({ kind: 'rejected', httpStatus: status, providerCode: code });
      expect(mayBeRefunded(answer)).toBe(false);
    }
  });

  it('reads 409 IDEMPOTENCY_KEY_IN_USE as busy, 429 as rate limited, 5xx as a server error that may have refunded', async () => {
    replies.push(
      { status: 409, body: error('IDEMPOTENCY_KEY_IN_USE'), headers: { 'Retry-After': '1' } },
      { status: 429, body: error('RATE_LIMITED'), headers: { 'Retry-After': '2' } },
      { status: 503, body: error('SERVICE_UNAVAILABLE') },
    );
    const busy = await refunds.refund('txn_1', req, 1000);
    expect(busy).toEqual({ kind: 'busy', retryAfterMs: 1000 });
    expect(holdsRefundSettleWindow(busy)).toBe(true);
    const limited = await refunds.refund('txn_1', req, 1000);
    expect(limited).toEqual({ kind: 'rate-limited', retryAfterMs: 2000 });
    expect(mayBeRefunded(limited)).toBe(false);
    const e503 = await refunds.refund('txn_1', req, 1000);
    expect(e503).toEqual({ kind: 'server-error', httpStatus: 503 });
    expect([mayBeRefunded(e503), holdsRefundSettleWindow(e503)]).toEqual([true, false]);
  });

  it.each([202, 204, 302, 402, 408])('reads %i (outside the contract) as "may be refunded"', async (status) => {
    replies.push({ status, body: status === 204 ? undefined : { status: 'processing' } });
    const answer = await refunds.refund('txn_1', req, 1000);
    expect(answer).toEqual({ kind: 'indeterminate', httpStatus: status });
    expect(holdsRefundSettleWindow(answer)).toBe(true);
  });

  it("reads a 404 without the contract's error body (a gateway's page) as indeterminate, not as a refusal", async () => {
    replies.push({ status: 404 });
    expect(await refunds.refund('txn_1', req, 1000)).toEqual({ kind: 'indeterminate', httpStatus: 404 });
  });

  it('reads a timeout as "no answer, may have been sent"', async () => {
    replies.push('hang');
    const answer = await refunds.refund('txn_1', req, 300);
    expect(answer).toMatchObject({ kind: 'no-answer', sent: true, reason: 'timeout' });
    expect(mayBeRefunded(answer)).toBe(true);
  });

  it('sends nothing for a payment pinned to an endpoint it does not know, and cannot look its refunds up', async () => {
    const ref = 'txn_1@pay.example.com';
    expect(await refunds.refund(ref, req, 1000)).toEqual({
      kind: 'no-answer',
      sent: false,
      reason: 'endpoint-not-configured',
      local: true,
    });
    expect(await refunds.lookupRefund(ref, req, undefined, 1000)).toMatchObject({ kind: 'unavailable' });
    expect(seen).toHaveLength(0);
  });

  it('looks a refund up by refundId: found (any status), not found, unavailable', async () => {
    replies.push(
      { status: 200, body: object('failed', { failureReason: 'card_closed' }) },
      { status: 404, body: error('NOT_FOUND') },
      { status: 404 },
      { status: 500, body: error('INTERNAL_ERROR') },
      { status: 200, body: { id: 're_1' } },
    );
    const weird = { ...req, refundId: 'rf 1/2' };
    expect(await refunds.lookupRefund('txn_1', weird, 're_1', 1000)).toEqual({
      kind: 'found',
      refund: {
        providerRefundId: 're_1',
        refundId: 'rf_1',
        status: 'failed',
        amount: 500,
        currency: 'USD',
        failureReason: 'card_closed',
      },
    });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/refund/rf%201%2F2' });
    expect(await refunds.lookupRefund('txn_1', req, undefined, 1000)).toEqual({ kind: 'not-found' });
    expect(await refunds.lookupRefund('txn_1', req, undefined, 1000)).toEqual({
      kind: 'unavailable',
      reason: "HTTP 404 without the contract's NOT_FOUND",
    });
    expect(await refunds.lookupRefund('txn_1', req, undefined, 1000)).toEqual({
      kind: 'unavailable',
      reason: 'HTTP 500',
    });
    expect(await refunds.lookupRefund('txn_1', req, undefined, 1000)).toEqual({
      kind: 'unavailable',
      reason: 'HTTP 200',
    });
  });
});
