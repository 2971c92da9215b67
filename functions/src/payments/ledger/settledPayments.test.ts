import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../api/index.js';
import { stored } from '../testing/claimFixtures.js';
import { SettledPayments } from './settledPayments.js';

describe('SettledPayments', () => {
  it('keeps a payment this instance created and settled succeeded under the same claim', () => {
    const settled = new SettledPayments();
    settled.markCreated('tx-1', 'c1');
    const record = stored({ status: PaymentStatus.succeeded, chargeId: 'ch_1' });
    settled.settle('tx-1', 'c1', record);
    expect(settled.get('tx-1')).toEqual(record);
  });

  it.each([
    ['declined (a late success may still be written over it)', PaymentStatus.declined],
    ['canceled (the same)', PaymentStatus.canceled],
    ['unknown', PaymentStatus.unknown],
  ] as const)('does not keep a payment settled %s', (_name, status) => {
    const settled = new SettledPayments();
    settled.markCreated('tx-1', 'c1');
    settled.settle('tx-1', 'c1', stored({ status }));
    expect(settled.get('tx-1')).toBeUndefined();
  });

  it('does not keep a success without its charge id (a webhook may still fill it in)', () => {
    const settled = new SettledPayments();
    settled.markCreated('tx-1', 'c1');
    settled.settle('tx-1', 'c1', stored({ status: PaymentStatus.succeeded }));
    expect(settled.get('tx-1')).toBeUndefined();
  });

  it('does not keep a success settled under another claim, or one it did not create', () => {
    const settled = new SettledPayments();
    settled.markCreated('tx-1', 'c1');
    settled.settle('tx-1', 'c2', stored({ status: PaymentStatus.succeeded, chargeId: 'ch_1' }));
    settled.settle('tx-2', 'c1', stored({ status: PaymentStatus.succeeded, chargeId: 'ch_1' }));
    expect(settled.get('tx-1')).toBeUndefined();
    expect(settled.get('tx-2')).toBeUndefined();
    // The creation is forgotten once settled: a later settle of the same id is not kept either.
    settled.settle('tx-1', 'c1', stored({ status: PaymentStatus.succeeded, chargeId: 'ch_1' }));
    expect(settled.get('tx-1')).toBeUndefined();
  });
});
