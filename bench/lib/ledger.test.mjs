import { describe, expect, it } from 'vitest';
import { contradictions, reconcile } from './ledger.mjs';

const charge = (transactionId, id, status = 'succeeded', amount = 1000) => ({
  transactionId,
  id,
  status,
  amount,
  currency: 'USD',
});
const record = (status, extra = {}) => ({ status, amount: 1000, currency: 'USD', ...extra });

describe('reconcile', () => {
  it('is exact when every charge has a matching record and failed records have no charge', () => {
    const result = reconcile({
      charges: [charge('t1', 'ch_1'), charge('t2', 'ch_2', 'declined')],
      records: new Map([
        ['t1', record('succeeded', { chargeId: 'ch_1' })],
        ['t2', record('declined', { chargeId: 'ch_2' })],
        ['t3', record('failed')],
      ]),
    });
    expect(result.problems).toEqual([]);
    expect(result.unresolved).toEqual([]);
    expect(result.byStatus).toEqual({ succeeded: 1, declined: 1, failed: 1 });
  });

  it('reports a double charge, a missing record, a mismatch, a phantom success and a charged failure', () => {
    const result = reconcile({
      charges: [
        charge('t1', 'ch_1'),
        charge('t1', 'ch_1b'),
        charge('t2', 'ch_2'),
        charge('t3', 'ch_3'),
        charge('t5', 'ch_5'),
      ],
      records: new Map([
        ['t1', record('succeeded', { chargeId: 'ch_1b' })],
        ['t3', record('succeeded', { chargeId: 'ch_3', amount: 999 })],
        ['t4', record('succeeded', { chargeId: 'ch_4' })],
        ['t5', record('failed')],
      ]),
    });
    expect(result.doubleCharges).toBe(1);
    expect(result.missing).toBe(1);
    expect(result.phantom).toBe(1);
    // t1's first charge disagrees with its record (ch_1b), t3's amount, t5 is charged but failed.
    expect(result.misrecorded).toBe(3);
    expect(result.problems.join('\n')).toMatch(
      /t1: charged twice[\s\S]*t2: charged[\s\S]*t3: provider says[\s\S]*t4: record says succeeded[\s\S]*t5: record says failed/,
    );
  });

  it('lists unknown and pending records as unresolved without calling them wrong', () => {
    const result = reconcile({
      charges: [charge('t1', 'ch_1')],
      records: new Map([
        ['t1', record('unknown')],
        ['t2', record('pending', { leaseUntil: 5 })],
      ]),
    });
    expect(result.problems).toEqual([]);
    expect(result.unresolved).toEqual([
      { id: 't1', status: 'unknown', leaseUntil: null },
      { id: 't2', status: 'pending', leaseUntil: 5 },
    ]);
  });
});

describe('contradictions', () => {
  const ledgers = {
    charges: [charge('t1', 'ch_1'), charge('t2', 'ch_2')],
    records: new Map([
      ['t1', record('succeeded', { chargeId: 'ch_1' })],
      ['t2', record('succeeded', { chargeId: 'ch_2' })],
      ['t3', record('failed')],
    ]),
  };

  it('accepts answers that match the ledgers', () => {
    const calls = [
      { transactionId: 't1', result: { status: 'succeeded', chargeId: 'ch_1' } },
      { transactionId: 't3', code: 'unavailable', detailsStatus: 'failed' },
    ];
    expect(contradictions(calls, ledgers)).toEqual([]);
  });

  it('flags a success naming another charge and a "nothing charged" answer for a charged key', () => {
    const calls = [
      { transactionId: 't1', result: { status: 'succeeded', chargeId: 'ch_other' } },
      { transactionId: 't2', code: 'unavailable', detailsStatus: 'failed' },
    ];
    expect(contradictions(calls, ledgers)).toHaveLength(2);
  });
});
