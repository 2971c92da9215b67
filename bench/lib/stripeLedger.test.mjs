import { describe, expect, it } from 'vitest';
import { paymentMethodOf, reconcileStripe, stripeContradictions, stripePhases } from './stripeLedger.mjs';

const pi = (id, txn, status, extra = {}) => ({
  id,
  status,
  amount: 1000,
  latest_charge: status === 'succeeded' ? `ch_${id}` : null,
  metadata: { transactionId: txn },
  ...extra,
});
const paid = (piId, status = 'succeeded') => ({ id: `ch_${piId}`, payment_intent: piId, status });
const record = (status, extra = {}) => ({ status, amount: 1000, ...extra });

describe('reconcileStripe', () => {
  it('is exact when every PaymentIntent matches its record', () => {
    const result = reconcileStripe({
      paymentIntents: [
        pi('pi_1', 't1', 'succeeded'),
        pi('pi_2', 't2', 'requires_payment_method', { last_payment_error: { code: 'card_declined' } }),
        pi('pi_3', 't3', 'requires_confirmation'),
      ],
      charges: [paid('pi_1'), paid('pi_2', 'failed')],
      records: new Map([
        ['t1', record('succeeded', { providerRef: 'pi_1', chargeId: 'ch_pi_1' })],
        ['t2', record('declined', { providerRef: 'pi_2' })],
        ['t3', record('failed', { providerRef: 'pi_3' })],
      ]),
    });
    expect(result.problems).toEqual([]);
    expect(result.charges).toBe(2);
    expect(result.byStatus).toEqual({ succeeded: 1, declined: 1, failed: 1 });
  });

  it('reports a double charge, a succeeded PaymentIntent recorded failed, a missing record and a phantom', () => {
    const result = reconcileStripe({
      paymentIntents: [pi('pi_1', 't1', 'succeeded'), pi('pi_1b', 't1', 'succeeded'), pi('pi_2', 't2', 'succeeded')],
      charges: [paid('pi_1'), paid('pi_1b'), paid('pi_2')],
      records: new Map([
        ['t2', record('failed', { providerRef: 'pi_2' })],
        ['t4', record('succeeded', { providerRef: 'pi_9', chargeId: 'ch_9' })],
        ['t5', record('unknown')],
      ]),
    });
    expect(result.doubleCharges).toBe(1);
    expect(result.missing).toBe(2);
    expect(result.misrecorded).toBe(1);
    expect(result.phantom).toBe(1);
    expect(result.unresolved).toEqual([{ id: 't5', status: 'unknown', leaseUntil: null }]);
  });
});

describe('stripeContradictions', () => {
  it('flags a caller told "nothing charged" or "declined" for a succeeded PaymentIntent', () => {
    const ledgers = {
      paymentIntents: [pi('pi_1', 't1', 'succeeded'), pi('pi_2', 't2', 'succeeded'), pi('pi_3', 't3', 'succeeded')],
      records: new Map([['t3', record('succeeded', { chargeId: 'ch_pi_3' })]]),
    };
    const calls = [
      { transactionId: 't1', code: 'unavailable', detailsStatus: 'failed' },
      { transactionId: 't2', result: { status: 'declined' } },
      { transactionId: 't3', result: { status: 'succeeded', chargeId: 'ch_pi_3' } },
    ];
    expect(stripeContradictions(calls, ledgers)).toHaveLength(2);
  });
});

describe('phases and payment methods', () => {
  it('declines every 10th call and limits the retryable faults to half a phase', () => {
    expect([0, 8, 9, 19].map(paymentMethodOf)).toEqual([
      'pm_card_visa',
      'pm_card_visa',
      'pm_card_chargeDeclined',
      'pm_card_chargeDeclined',
    ]);
    const phases = stripePhases(25);
    expect(phases.find((p) => p.name === '429').faults.count).toBe(13);
    expect(phases.at(-1).faults).toEqual({ mode: 'none' });
  });
});
