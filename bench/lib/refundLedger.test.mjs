import { describe, expect, it } from 'vitest';
import { reconcileRefunds } from './refundLedger.mjs';

const refund = (transactionId, refundId, id, amount = 500, status = 'succeeded') => ({
  transactionId,
  refundId,
  id,
  amount,
  currency: 'USD',
  status,
});
const record = (transactionId, refundId, status, extra = {}) => ({
  transactionId,
  refundId,
  amount: 500,
  currency: 'USD',
  status,
  providerRefundId: null,
  ...extra,
});

describe('reconcileRefunds', () => {
  it('is exact when each provider refund has its record and every payment total is the provider total', () => {
    const result = reconcileRefunds({
      refunds: [
        refund('t1', 'r1', 're_1'),
        refund('t1', 'r2', 're_2', 300),
        refund('t2', 'r3', 're_3', 500, 'pending'),
      ],
      records: [
        record('t1', 'r1', 'succeeded', { providerRefundId: 're_1' }),
        record('t1', 'r2', 'succeeded', { providerRefundId: 're_2', amount: 300 }),
        record('t2', 'r3', 'pending', { providerRefundId: 're_3' }),
        record('t2', 'r4', 'failed'),
      ],
      payments: new Map([
        ['t1', { refundedAmount: 800 }],
        ['t2', { refundedAmount: 0 }],
        ['t3', {}],
      ]),
    });
    expect(result.problems).toEqual([]);
    expect(result.unresolved).toEqual([]);
    expect(result.byStatus).toEqual({ succeeded: 2, pending: 1, failed: 1 });
  });

  it('reports a refund made twice, a missing record, another amount, a phantom, a refunded failure and a wrong total', () => {
    const result = reconcileRefunds({
      refunds: [
        refund('t1', 'r1', 're_1'),
        refund('t1', 'r1', 're_1b'),
        refund('t2', 'r2', 're_2'),
        refund('t3', 'r3', 're_3', 400),
        refund('t5', 'r5', 're_5'),
      ],
      records: [
        record('t1', 'r1', 'succeeded', { providerRefundId: 're_1b' }),
        record('t3', 'r3', 'succeeded', { providerRefundId: 're_3' }),
        record('t4', 'r4', 'succeeded', { providerRefundId: 're_4' }),
        record('t5', 'r5', 'failed'),
      ],
      payments: new Map([
        ['t1', { refundedAmount: 500 }],
        ['t4', { refundedAmount: 500 }],
      ]),
    });
    expect(result.executedTwice).toBe(1);
    expect(result.missing).toBe(1);
    expect(result.phantom).toBe(1);
    // r1's first refund disagrees with its record (re_1b), r3's amount, r5 was refunded but its record says failed.
    expect(result.misrecorded).toBe(3);
    // t1: the provider refunded 1000 under r1; t4: the record's refund is not at the provider.
    expect(result.totalsWrong).toBe(2);
    expect(result.problems.join('\n')).toMatch(
      /r1: refunded twice[\s\S]*r2: refunded 500 of t2[\s\S]*r3: provider refunded 400[\s\S]*r5: record says failed[\s\S]*r4: record says succeeded[\s\S]*t1: refundedAmount 500, the provider refunded 1000/,
    );
  });

  it('lists unknown refunds and pending ones without a provider id as unresolved, and leaves their totals alone', () => {
    const result = reconcileRefunds({
      refunds: [refund('t1', 'r1', 're_1')],
      records: [record('t1', 'r1', 'unknown'), record('t1', 'r2', 'pending')],
      payments: new Map([['t1', { refundedAmount: 0, pendingRefundAmount: 1000 }]]),
    });
    expect(result.problems).toEqual([]);
    expect(result.unresolved.map((u) => [u.refundId, u.status])).toEqual([
      ['r1', 'unknown'],
      ['r2', 'pending'],
    ]);
  });
});
