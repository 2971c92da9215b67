import { beforeAll, describe, expect, it } from 'vitest';
import { useScriptedServer } from '../testing/scriptedServer.js';
import { GenericProvider, mayHaveReached, retryAfterMs } from './genericProvider.js';
import { chargeMismatch, holdsSettleWindow, mayBeCharged } from './paymentProvider.js';
import { AppError } from '../../resilience/appError.js';

const scripted = useScriptedServer();
const { replies, seen } = scripted;
let provider: GenericProvider;
beforeAll(() => {
  provider = scripted.provider();
});

const req = { transactionId: 'txn_1', uid: 'u1', amount: 1999, currency: 'USD', paymentMethod: 'credit_card' as const };

describe('GenericProvider (documented contract over real HTTP)', () => {
  it('sends nothing to prepare, and pins the payment to its one URL by host and port', async () => {
    const host = scripted.host();
    const ref = await provider.prepare(req);
    expect(ref).toBe(`txn_1@${host}`);
    expect(seen).toHaveLength(0);
    // The pinned reference reaches the same URL, under the bare transactionId.
    replies.push(
      { status: 201, body: { id: 'ch_1', status: 'succeeded' } },
      { status: 200, body: { id: 'ch_1', status: 'succeeded', amount: 1999, currency: 'USD' } },
    );
    expect(await provider.charge(ref, req, 1000)).toEqual({ kind: 'succeeded', chargeId: 'ch_1' });
    expect(await provider.lookup(ref, req, 1000)).toMatchObject({ kind: 'found' });
    expect(seen.map((s) => [s.method, s.url, s.key])).toEqual([
      ['POST', '/charge', 'txn_1'],
      ['GET', '/charge/txn_1', undefined],
    ]);
  });

  it('answers for a payment pinned to an endpoint it does not know without sending anything', async () => {
    const ref = 'txn_1@pay.example.com';
    expect(await provider.charge(ref, req, 1000)).toMatchObject({ kind: 'no-answer', sent: false });
    expect(await provider.lookup(ref, req, 1000)).toMatchObject({ kind: 'unavailable' });
    expect(seen).toHaveLength(0);
  });

  it('sends POST /charge with the transactionId as Idempotency-Key and reads a charge', async () => {
    replies.push({ status: 201, body: { id: 'ch_1', status: 'succeeded' } });
    expect(await provider.charge('txn_1', req, 1000)).toEqual({ kind: 'succeeded', chargeId: 'ch_1' });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/charge',
      key: 'txn_1',
      auth: 'Bearer sk_test_secret',
      body: { amount: 1999, currency: 'USD', paymentMethod: 'credit_card', transactionId: 'txn_1' },
    });
  });

  it('maps each status of the contract to its reading', async () => {
    replies.push(
      { status: 402, body: { id: 'ch_2', status: 'declined', declineCode: 'insufficient_funds' } },
      { status: 409, body: { error: { code: 'idempotency_conflict' } } },
      { status: 429, headers: { 'Retry-After': '2' } },
      { status: 503 },
      { status: 200, body: { unexpected: true } },
    );
    expect(await provider.charge('txn_1', req, 1000)).toEqual({
      kind: 'declined',
      chargeId: 'ch_2',
      declineCode: 'insufficient_funds',
    });
    expect(await provider.charge('txn_1', req, 1000)).toEqual({
      kind: 'rejected',
      httpStatus: 409,
      providerCode: 'idempotency_conflict',
    });
    expect(await provider.charge('txn_1', req, 1000)).toEqual({ kind: 'rate-limited', retryAfterMs: 2000 });
    expect(await provider.charge('txn_1', req, 1000)).toEqual({ kind: 'server-error', httpStatus: 503 });
    const unreadable = await provider.charge('txn_1', req, 1000);
    expect(unreadable).toEqual({ kind: 'indeterminate', httpStatus: 200 });
    expect(mayBeCharged(unreadable)).toBe(true);
    expect(holdsSettleWindow(unreadable)).toBe(true);
  });

  it.each([202, 204, 301, 302, 408, 405, 418])(
    'reads %i (outside the contract) as "may be charged, may be processing"',
    async (status) => {
      replies.push({ status, body: status === 204 ? undefined : { status: 'processing' } });
      const answer = await provider.charge('txn_1', req, 1000);
      expect(answer).toEqual({ kind: 'indeterminate', httpStatus: status });
      expect(holdsSettleWindow(answer)).toBe(true);
    },
  );

  it('reads 409 IDEMPOTENCY_KEY_IN_USE as "still processing", not as a refusal', async () => {
    replies.push(
      { status: 409, body: { error: { code: 'IDEMPOTENCY_KEY_IN_USE' } }, headers: { 'Retry-After': '1' } },
      { status: 409, body: { error: { code: 'IDEMPOTENCY_CONFLICT' } } },
    );
    const inUse = await provider.charge('txn_1', req, 1000);
    expect(inUse).toEqual({ kind: 'busy', retryAfterMs: 1000 });
    expect(holdsSettleWindow(inUse)).toBe(true);
    expect(await provider.charge('txn_1', req, 1000)).toMatchObject({ kind: 'rejected', httpStatus: 409 });
  });

  it('keeps a 5xx and a 429 out of the settle window: the provider answered within its contract', async () => {
    replies.push({ status: 500 }, { status: 429 });
    const e500 = await provider.charge('txn_1', req, 1000);
    const e429 = await provider.charge('txn_1', req, 1000);
    expect(mayBeCharged(e500)).toBe(true);
    expect(holdsSettleWindow(e500)).toBe(false);
    expect(mayBeCharged(e429)).toBe(false);
    expect(holdsSettleWindow(e429)).toBe(false);
  });

  it('reads a timeout as "no answer, may have been sent"', async () => {
    replies.push('hang');
    const answer = await provider.charge('txn_1', req, 300);
    expect(answer).toMatchObject({ kind: 'no-answer', sent: true, reason: 'timeout' });
    expect(mayBeCharged(answer)).toBe(true);
  });

  it('looks a payment up by reference: found, not found, unavailable', async () => {
    replies.push(
      { status: 200, body: { id: 'ch_1', status: 'succeeded', amount: 1999, currency: 'USD' } },
      { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No charge.' } } },
      { status: 500 },
    );
    expect(await provider.lookup('txn_1', req, 1000)).toEqual({
      kind: 'found',
      charge: { kind: 'succeeded', chargeId: 'ch_1', amount: 1999, currency: 'USD' },
    });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/charge/txn_1' });
    expect(await provider.lookup('txn_1', req, 1000)).toEqual({ kind: 'not-found' });
    expect(await provider.lookup('txn_1', req, 1000)).toEqual({ kind: 'unavailable', reason: 'HTTP 500' });
  });

  it("reads a 404 as not found only with the contract's NOT_FOUND code", async () => {
    replies.push(
      { status: 404 },
      { status: 404, body: { error: { code: 'NO_ROUTE', message: 'gateway' } } },
      { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No charge.' } } },
    );
    const unanswered = { kind: 'unavailable', reason: "HTTP 404 without the contract's NOT_FOUND" };
    expect(await provider.lookup('txn_1', req, 1000)).toEqual(unanswered);
    expect(await provider.lookup('txn_1', req, 1000)).toEqual(unanswered);
    expect(await provider.lookup('txn_1', req, 1000)).toEqual({ kind: 'not-found' });
  });

  it("reads a charge's 404 as a refusal only with the contract's error body; a gateway's page may hide a charge", async () => {
    replies.push({ status: 404 }, { status: 404, body: { error: { code: 'NO_ROUTE', message: 'gone' } } });
    const gateway = await provider.charge('txn_1', req, 1000);
    expect(gateway).toEqual({ kind: 'indeterminate', httpStatus: 404 });
    expect(holdsSettleWindow(gateway)).toBe(true);
    expect(await provider.charge('txn_1', req, 1000)).toEqual({
      kind: 'rejected',
      httpStatus: 404,
      providerCode: 'NO_ROUTE',
    });
  });

  it('checks health with GET /health', async () => {
    replies.push({ status: 200, body: { ok: true } });
    expect(await provider.checkHealth()).toMatchObject({ ok: true });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/health' });
  });
});

describe('generic provider helpers', () => {
  it('finds a mismatch where the provider states another amount or currency, or leaves one out', () => {
    const charge = { kind: 'succeeded' as const, chargeId: 'c' };
    expect(chargeMismatch({ ...charge, amount: 1999, currency: 'usd' }, req)).toBe(false);
    expect(chargeMismatch({ ...charge, amount: 1998, currency: 'USD' }, req)).toBe(true);
    expect(chargeMismatch({ ...charge, amount: 1999, currency: 'EUR' }, req)).toBe(true);
    expect(chargeMismatch({ ...charge, amount: 1999 }, req)).toBe(true);
    expect(chargeMismatch({ ...charge, currency: 'USD' }, req)).toBe(true);
    expect(chargeMismatch(charge, req)).toBe(true);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });

  it('treats a request as possibly delivered unless the pool says it never connected', () => {
    const refused = new AppError('HTTP_CONNECTION', 'refused', { details: { mayHaveReachedServer: false } });
    expect(mayHaveReached(refused)).toBe(false);
    expect(mayHaveReached(new AppError('HTTP_TIMEOUT', 't', { details: { mayHaveReachedServer: true } }))).toBe(true);
    expect(mayHaveReached(new Error('anything else'))).toBe(true);
  });
});
