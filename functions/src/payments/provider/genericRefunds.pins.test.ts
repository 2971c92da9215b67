import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.js';
import type { PaymentRequest } from '../paymentRequest.js';
import type { RefundProvider, RefundRequest } from '../refunds/refundProvider.js';
import { useHttpPools } from '../testing/httpPools.js';
import { usePaymentSimulators } from '../testing/paymentSimulator.js';
import type { Simulator } from '../testing/simulatorFleet.js';
import type { PaymentProvider } from './paymentProvider.js';
import { createPaymentProvider, createRefundProvider } from './providerFromConfig.js';

// Refunds against simulators that are endpoints of one provider NOT sharing keys or charges: a refund must go
// to the endpoint its payment is pinned to (elsewhere it is CHARGE_NOT_FOUND, and its lookup NOT_FOUND).
const KEY = 'refund-pins-key';
const sims = usePaymentSimulators(3, KEY);
const newPool = useHttpPools();

/** The payment and refund providers a deploy with these settings builds (config parse included). */
function deploy(
  active: Simulator[],
  retired: Simulator[] = [],
): { payments: PaymentProvider; refunds: RefundProvider } {
  const http = newPool();
  const cfg = parseConfig({
    PAYMENT_SERVICE_URL: active.map((s) => s.url).join(','),
    ...(retired.length ? { PAYMENT_RETIRED_URLS: retired.map((s) => s.url).join(',') } : {}),
  });
  const payments = createPaymentProvider(http, cfg, KEY);
  const refunds = createRefundProvider(payments);
  if (!refunds) throw new Error('the generic provider has refunds');
  return { payments, refunds };
}

const payment = (transactionId: string): PaymentRequest => ({
  transactionId,
  uid: 'u1',
  amount: 1250,
  currency: 'USD',
  paymentMethod: 'credit_card',
});
const refund = (transactionId: string, refundId: string, amount = 500): RefundRequest => ({
  transactionId,
  refundId,
  uid: 'u1',
  amount,
  currency: 'USD',
});

/** Charges `id` at `provider`; resolves to the payment's reference (its endpoint pin). */
async function charged(provider: PaymentProvider, id: string): Promise<string> {
  const ref = await provider.prepare(payment(id), 1000);
  expect(await provider.charge(ref, payment(id), 1000)).toMatchObject({ kind: 'succeeded' });
  return ref;
}
const refundsAt = (s: Simulator) => s.refunds().refunds.map((r) => [r.transactionId, r.refundId, r.amount]);

describe('generic refunds follow the endpoint pin of their payment', () => {
  it('refunds at the pinned endpoint only, with its label, and looks the refund up there', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const { payments, refunds } = deploy([a, b]);
    const refs = await Promise.all(['pin_r1', 'pin_r2', 'pin_r3', 'pin_r4'].map((id) => charged(payments, id)));
    for (const [i, ref] of refs.entries()) {
      const answer = await refunds.refund(ref, refund(`pin_r${i + 1}`, `rf_${i + 1}`), 1000);
      expect(answer).toMatchObject({ kind: 'refund', refund: { refundId: `rf_${i + 1}`, status: 'succeeded' } });
      expect(answer.endpoint).toMatch(/^endpoint-[12]$/);
    }
    // Each simulator holds the refunds of its own charges, and nothing was ever sent where the charge is not.
    for (const sim of [a, b]) {
      const own = sim.ledger().charges.map((c) => c.transactionId);
      expect(refundsAt(sim).map(([tx]) => tx)).toEqual(own);
      expect(sim.stats().requests.refund).toBe(own.length);
    }
    const lookedUp = await refunds.lookupRefund(refs[0]!, refund('pin_r1', 'rf_1'), undefined, 1000);
    expect(lookedUp).toMatchObject({ kind: 'found', refund: { refundId: 'rf_1', amount: 500 } });
    expect(a.stats().requests.refundLookup + b.stats().requests.refundLookup).toBe(1);
  });

  it('refunds a payment pinned to an endpoint since retired there: its charge is nowhere else', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const ref = await charged(deploy([a]).payments, 'pin_old');
    const { refunds } = deploy([b], [a]);
    expect(await refunds.refund(ref, refund('pin_old', 'rf_old', 1250), 1000)).toMatchObject({
      kind: 'refund',
      refund: { amount: 1250, status: 'succeeded' },
    });
    expect(refundsAt(a)).toEqual([['pin_old', 'rf_old', 1250]]);
    expect(b.stats().requests.refund).toBe(0);
    expect(await refunds.lookupRefund(ref, refund('pin_old', 'rf_old', 1250), undefined, 1000)).toMatchObject({
      kind: 'found',
    });
    // Refunded in full: the simulator refuses the next cent, and the adapter reads it as nothing refunded.
    expect(await refunds.refund(ref, refund('pin_old', 'rf_more', 1), 1000)).toMatchObject({
      kind: 'rejected',
      httpStatus: 422,
      providerCode: 'REFUND_EXCEEDS_CHARGE',
    });
  });

  it('a lost answer leaves the refund to a lookup, which finds the one refund the simulator made', async () => {
    const a = sims[0]!;
    const { payments, refunds } = deploy([a]);
    const ref = await charged(payments, 'pin_lost');
    a.setFaults({ mode: 'commit-then-timeout', commitDelayMs: 5000 });
    const lost = await refunds.refund(ref, refund('pin_lost', 'rf_lost'), 300);
    expect(lost).toMatchObject({ kind: 'no-answer', sent: true, reason: 'timeout' });
    a.setFaults({ mode: 'none' });
    expect(await refunds.lookupRefund(ref, refund('pin_lost', 'rf_lost'), undefined, 1000)).toMatchObject({
      kind: 'found',
      refund: { refundId: 'rf_lost', amount: 500, status: 'succeeded' },
    });
    // A retry of the same refundId replays the refund: still one at the provider.
    expect(await refunds.refund(ref, refund('pin_lost', 'rf_lost'), 1000)).toMatchObject({ kind: 'refund' });
    expect(refundsAt(a)).toEqual([['pin_lost', 'rf_lost', 500]]);
  });
});
