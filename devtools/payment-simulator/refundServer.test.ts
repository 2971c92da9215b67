import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulatorControl } from './client.ts';
import { startPaymentSimulator } from './server.ts';
import type { PaymentSimulator, RefundRecord, RefundSnapshot } from './server.ts';
import { body, clientFor, errorCode, json, refundBody, until } from './testKit.ts';

// POST /refund and GET /refund/<refundId> over real HTTP: the contract, the same faults as charges, the control routes.
// The simulator runs on a clock the test moves, so commits need no sleeping.
const API_KEY = 'test-key-789';
let sim: PaymentSimulator;
let clock = 0;

beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  sim = await startPaymentSimulator({ port: 0, apiKey: API_KEY, now: () => clock });
});
afterEach(async () => {
  await sim.close();
});

const { charge, refund, get, rawRefund } = clientFor(() => sim.url, API_KEY);
const gaveUp = /timeout|aborted/i;
/** A succeeded 1999 USD charge `tx` to refund from. */
const charged = async (tx = 'tx-r') => expect((await charge(body(tx))).status).toBe(201);
const amounts = () => sim.refunds().refunds.map((r) => [r.refundId, r.amount, r.status]);

describe('the refund contract', () => {
  it('refunds (201), replays the key (200, same id), and looks the refund up by refundId', async () => {
    await charged();
    const first = await refund(refundBody('rf-1', 'tx-r', 700));
    expect(first.status).toBe(201);
    const created = await json<RefundRecord>(first);
    expect(created).toMatchObject({ refundId: 'rf-1', transactionId: 'tx-r', amount: 700, currency: 'USD' });
    expect(created.status).toBe('succeeded');
    const again = await refund(refundBody('rf-1', 'tx-r', 700));
    expect([again.status, (await json<RefundRecord>(again)).id]).toEqual([200, created.id]);
    expect(await json<RefundRecord>(await get('/refund/rf-1'))).toEqual(created);
    const missing = await get('/refund/rf-none');
    expect([missing.status, await errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
    expect(sim.refunds().refundRequests).toEqual({ 'rf-1': 2 });
    expect(sim.stats().requests).toMatchObject({ refund: 2, refundLookup: 2, charge: 1 });
  });

  it('answers 404 CHARGE_NOT_FOUND, 422 REFUND_EXCEEDS_CHARGE, 409 IDEMPOTENCY_CONFLICT, 400, 401 and 405', async () => {
    await charged();
    expect(await errorCode(await refund(refundBody('rf-a', 'tx-none')))).toBe('CHARGE_NOT_FOUND');
    expect((await refund(refundBody('rf-b', 'tx-r', 1500))).status).toBe(201);
    const over = await refund(refundBody('rf-c', 'tx-r', 500));
    expect([over.status, await errorCode(over)]).toEqual([422, 'REFUND_EXCEEDS_CHARGE']);
    const conflict = await refund(refundBody('rf-b', 'tx-r', 400));
    expect([conflict.status, await errorCode(conflict)]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    expect(await errorCode(await refund(refundBody('rf-d', 'tx-r'), { key: 'other' }))).toBe(
      'IDEMPOTENCY_KEY_MISMATCH',
    );
    const anonymous = await fetch(`${sim.url}/refund`, { method: 'POST', body: '{}' });
    expect([anonymous.status, await errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
    expect((await get('/refund')).status).toBe(405);
    expect(amounts()).toEqual([['rf-b', 1500, 'succeeded']]);
  });
});

describe('faults on refunds (as on charges)', () => {
  it('errors, outage, rate-limit and reset refund nothing; the same key then refunds once', async () => {
    await charged();
    for (const faults of [
      { mode: 'errors', errorRate: 1 },
      { mode: 'outage' },
      { mode: 'rate-limit', retryAfterSec: 2 },
    ] as const) {
      sim.setFaults(faults);
      const res = await refund(refundBody('rf-f', 'tx-r'));
      expect(res.status).toBeGreaterThanOrEqual(429);
      if (faults.mode === 'rate-limit') expect(res.headers.get('retry-after')).toBe('2');
    }
    sim.setFaults({ mode: 'reset' });
    expect(await rawRefund(refundBody('rf-f', 'tx-r'))).toMatchObject({ code: 'ECONNRESET' });
    expect(sim.refunds().refunds).toEqual([]);
    sim.setFaults({ mode: 'none' });
    expect((await refund(refundBody('rf-f', 'tx-r'))).status).toBe(201);
    expect(sim.refunds().refundRequests).toEqual({ 'rf-f': 5 });
  });

  it('hang: never answers and refunds nothing', async () => {
    await charged();
    sim.setFaults({ mode: 'hang' });
    const controller = new AbortController();
    const held = refund(refundBody('rf-h', 'tx-r'), { signal: controller.signal });
    await until(() => sim.stats().inFlight === 1, 'the refund held');
    controller.abort();
    await expect(held).rejects.toThrow(gaveUp);
    expect(sim.refunds().refunds).toEqual([]);
  });

  it('commit-then-timeout and lost-response: the refund is recorded, its answer late or lost; a repeat replays it', async () => {
    await charged();
    sim.setFaults({ mode: 'commit-then-timeout', commitDelayMs: 60_000 });
    const controller = new AbortController();
    const late = refund(refundBody('rf-t', 'tx-r'), { signal: controller.signal });
    await until(() => sim.refunds().refunds.length === 1, 'the refund recorded');
    controller.abort();
    await expect(late).rejects.toThrow(gaveUp);
    sim.setFaults({ mode: 'lost-response' });
    expect(await rawRefund(refundBody('rf-l', 'tx-r'))).toMatchObject({ code: 'ECONNRESET' });
    expect(await rawRefund(refundBody('rf-l', 'tx-r'))).toMatchObject({ code: 'ECONNRESET' });
    sim.setFaults({ mode: 'none' });
    expect((await refund(refundBody('rf-t', 'tx-r'))).status).toBe(200);
    expect(amounts()).toEqual([
      ['rf-t', 500, 'succeeded'],
      ['rf-l', 500, 'succeeded'],
    ]);
  });

  it('late-commit and accepted-then-commit: in use until the commit, not found before it, found after', async () => {
    await charged();
    sim.setFaults({ mode: 'late-commit', commitDelayMs: 10_000 });
    const controller = new AbortController();
    const held = refund(refundBody('rf-lc', 'tx-r'), { signal: controller.signal });
    await until(() => sim.refunds().pendingCommits['rf-lc'], 'rf-lc held with its commit pending');
    controller.abort();
    await expect(held).rejects.toThrow(gaveUp);
    sim.setFaults({ mode: 'accepted-then-commit', commitDelayMs: 5_000 });
    const accepted = await refund(refundBody('rf-ac', 'tx-r'));
    expect([accepted.status, await accepted.json()]).toEqual([202, { status: 'processing' }]);
    expect(await errorCode(await refund(refundBody('rf-lc', 'tx-r')))).toBe('IDEMPOTENCY_KEY_IN_USE');
    // Still to commit, both hold their amount: 1999 - 500 - 500 leaves 999.
    expect(await errorCode(await refund(refundBody('rf-x', 'tx-r', 1000)))).toBe('REFUND_EXCEEDS_CHARGE');
    expect((await get('/refund/rf-ac')).status).toBe(404);
    clock += 10_000;
    expect(await json<RefundRecord>(await get('/refund/rf-lc'))).toMatchObject({ status: 'succeeded' });
    expect(amounts()).toEqual([
      ['rf-ac', 500, 'succeeded'],
      ['rf-lc', 500, 'succeeded'],
    ]);
  });

  it("lookupFault gateway-404: refund lookups get an HTML 404 without the contract's code", async () => {
    sim.setFaults({ mode: 'none', lookupFault: 'gateway-404' });
    const res = await get('/refund/rf-any');
    expect([res.status, res.headers.get('content-type')]).toEqual([404, 'text/html']);
  });
});

describe('refund control routes', () => {
  it('refundStatus pending records refunds pending; settle makes them final over HTTP; reset clears them', async () => {
    await charged();
    const control = simulatorControl(sim.url);
    await control.setFaults({ mode: 'none', refundStatus: 'pending' });
    expect(await json<RefundRecord>(await refund(refundBody('rf-p', 'tx-r', 1999)))).toMatchObject({
      status: 'pending',
    });
    await expect(control.settleRefund('rf-p', 'failed', 'card_closed')).resolves.toMatchObject({
      status: 'failed',
      failureReason: 'card_closed',
    });
    expect(await json<RefundRecord>(await get('/refund/rf-p'))).toMatchObject({ status: 'failed' });
    await expect(control.settleRefund('rf-p', 'succeeded')).rejects.toMatchObject({ code: 'REFUND_NOT_PENDING' });
    await expect(control.settleRefund('rf-none', 'succeeded')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const bad = await fetch(`${sim.url}/__control/refunds/settle`, { method: 'POST', body: '{"refundId":"rf-p"}' });
    expect([bad.status, await errorCode(bad)]).toEqual([400, 'INVALID_REQUEST']);
    const listed: RefundSnapshot = await control.refunds();
    expect(listed.refunds.map((r) => [r.refundId, r.status])).toEqual([['rf-p', 'failed']]);
    await control.reset();
    expect(await control.refunds()).toEqual({ refunds: [], refundRequests: {}, pendingCommits: {} });
    expect(await control.faults()).toEqual({ mode: 'none' });
  });

  it('refuses an unknown refundStatus', async () => {
    const res = await fetch(`${sim.url}/__control/faults`, {
      method: 'PUT',
      body: JSON.stringify({ mode: 'none', refundStatus: 'failed' }),
    });
    expect([res.status, await errorCode(res)]).toEqual([400, 'INVALID_FAULT_CONFIG']);
  });
});
