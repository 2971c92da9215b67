import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { ISO_4217_MONEY } from '../iso4217.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { GenericProvider } from '../provider/genericProvider.js';
import { GenericRefunds } from '../provider/genericRefunds.js';
import { usePaymentSimulator } from '../testing/paymentSimulator.js';
import { adminRefundCall, payment, refundFailure } from '../testing/refundKit.js';
import { MemoryRefundLedger } from './memoryRefundLedger.js';

// The refund domain over the generic refund adapter and the real payment simulator (over HTTP): what the provider
// refunded and what the ledger says must agree after every case, faults included.
const KEY = 'refund-flow-key';
const sim = usePaymentSimulator(KEY);
const http = new HttpPoolManager();
afterAll(() => http.destroy());
let provider: GenericProvider;
let payments: MemoryLedger;
let refunds: MemoryRefundLedger;
let sleep: (ms: number) => Promise<void>;

beforeEach(() => {
  provider ??= new GenericProvider(http, { baseUrl: sim().url, apiKey: KEY, maxSockets: 4, attemptTimeoutMs: 500 });
  payments = new MemoryLedger();
  refunds = new MemoryRefundLedger(payments);
  sleep = (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50)));
});

/** A payment of `amount` minor units charged at the simulator and recorded succeeded, pinned where it was charged. */
async function charged(transactionId: string, amount: number): Promise<void> {
  const req: PaymentRequest = { transactionId, uid: 'u1', amount, currency: 'USD', paymentMethod: 'credit_card' };
  const ref = await provider.prepare(req);
  const answer = await provider.charge(ref, req, 1000);
  if (answer.kind !== 'succeeded') throw new Error(`charge ${transactionId}: ${answer.kind}`);
  payments.put(transactionId, payment({ amount, providerRef: ref, chargeId: answer.chargeId }));
}

const call = adminRefundCall(
  () => ({
    ledger: refunds,
    incidents: payments,
    provider: new GenericRefunds(provider.channel),
    money: ISO_4217_MONEY,
    sleep: (ms) => sleep(ms),
  }),
  { attemptTimeoutMs: 500, totalTimeoutMs: 4000, settleMs: 1000 },
);
const failure = refundFailure;

/** The simulator's refunds and the ledger's agree: each refund once, recorded with its amount, status and id. */
async function expectAgree(transactionId: string): Promise<void> {
  const atProvider = sim()
    .refunds()
    .refunds.filter((r) => r.transactionId === transactionId);
  const records = await refunds.listRefunds(transactionId);
  expect(new Set(atProvider.map((r) => r.refundId)).size).toBe(atProvider.length);
  for (const p of atProvider) {
    expect(records.find((r) => r.refundId === p.refundId)).toMatchObject({
      amount: p.amount,
      status: p.status,
      providerRefundId: p.id,
    });
  }
  const total = atProvider.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0);
  expect(payments.peek(transactionId)?.refundedAmount ?? 0).toBe(total);
}

describe('refundPayment over the generic contract and the simulator', () => {
  it('refunds in two parts then the rest, replays without a second request, refuses what is not left', async () => {
    await charged('tx-parts', 2000);
    expect(await call('tx-parts', 'rf-a', 5)).toMatchObject({ status: 'succeeded', amount: 5, refundedAmount: 5 });
    expect(await call('tx-parts', 'rf-b', 7.5)).toMatchObject({ refundedAmount: 12.5 });
    expect(await call('tx-parts', 'rf-rest')).toMatchObject({ amount: 7.5, refundedAmount: 20, replayed: false });
    expect(await call('tx-parts', 'rf-rest')).toMatchObject({ amount: 7.5, refundedAmount: 20, replayed: true });
    expect(await failure(call('tx-parts', 'rf-more', 0.01))).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE' });
    expect(await failure(call('tx-parts', 'rf-a', 6))).toMatchObject({ code: 'REFUND_CONFLICT' });
    expect(sim().refunds().refundRequests).toEqual({ 'rf-a': 1, 'rf-b': 1, 'rf-rest': 1 });
    await expectAgree('tx-parts');
  });

  it('a 5xx, then success: one refund', async () => {
    await charged('tx-5xx', 1000);
    sim().setFaults({ mode: 'errors', errorRate: 1 });
    // The provider recovers while the call waits before its next attempt.
    sleep = (ms) => (sim().setFaults({ mode: 'none' }), new Promise((r) => setTimeout(r, Math.min(ms, 50))));
    expect(await call('tx-5xx', 'rf-5xx')).toMatchObject({ status: 'succeeded', refundedAmount: 10 });
    expect(sim().refunds().refundRequests['rf-5xx']).toBeGreaterThanOrEqual(2);
    expect(sim().refunds().refunds).toHaveLength(1);
    await expectAgree('tx-5xx');
  });

  it('a lost answer whose lookup fails too is unknown; a repeat call finds the one refund and sends nothing more', async () => {
    await charged('tx-lost', 1000);
    sim().setFaults({ mode: 'lost-response', lookupFault: 'gateway-404' });
    expect(await failure(call('tx-lost', 'rf-lost', 4))).toMatchObject({
      code: 'REFUND_UNKNOWN',
      details: { refundId: 'rf-lost', status: 'unknown' },
    });
    expect(await refunds.getRefund('tx-lost', 'rf-lost')).toMatchObject({ status: 'unknown', amount: 400 });
    expect(payments.peek('tx-lost')).toMatchObject({ pendingRefundAmount: 400 });
    sim().setFaults({ mode: 'none' });
    const sent = sim().refunds().refundRequests['rf-lost'];
    expect(await call('tx-lost', 'rf-lost', 4)).toMatchObject({ status: 'succeeded', refundedAmount: 4 });
    expect(sim().refunds().refundRequests['rf-lost']).toBe(sent);
    expect(sim().refunds().refunds).toHaveLength(1);
    await expectAgree('tx-lost');
  });

  it('a refund the provider settles later is answered pending, its amount held until then', async () => {
    await charged('tx-pend', 1000);
    sim().setFaults({ mode: 'none', refundStatus: 'pending' });
    expect(await call('tx-pend', 'rf-pend')).toMatchObject({ status: 'pending', refundedAmount: 0 });
    expect(payments.peek('tx-pend')).toMatchObject({ refundedAmount: 0, pendingRefundAmount: 1000 });
    expect(await failure(call('tx-pend', 'rf-more', 0.01))).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE' });
    await expectAgree('tx-pend');
  });
});
