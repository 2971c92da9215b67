import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { getPayment } from '../api/explorer';
import { cancelPayment } from '../api/payments';
import { refundPayment } from '../api/refunds';
import { advance } from '../test/clock';
import { adminDetail, historyEvent, paymentView, refundView } from '../test/explorerFixtures';
import { T0 } from '../test/fixtures';
import PaymentDetailPanel from './PaymentDetailPanel.vue';
import { byId, useComponentTest } from '../test/componentTest';

vi.mock('../api/explorer', () => ({ getPayment: vi.fn() }));
vi.mock('../api/refunds', () => ({ refundPayment: vi.fn() }));
vi.mock('../api/payments', () => ({ cancelPayment: vi.fn(), processPayment: vi.fn() }));
const read = vi.mocked(getPayment);
const refund = vi.mocked(refundPayment);
const cancel = vi.mocked(cancelPayment);

type Wrapper = ReturnType<typeof mount>;

async function open(id = 'txn_1'): Promise<Wrapper> {
  const w = mount(PaymentDetailPanel, { props: { transactionId: id } });
  await advance(10);
  return w;
}

async function confirmRefund(w: Wrapper, amount: string): Promise<string> {
  await byId(w, 'refund-amount').setValue(amount);
  await byId(w, 'refund-submit').trigger('click');
  const prompt = w.find('[role="group"]').attributes('aria-label') ?? '';
  await byId(w, 'refund-submit-confirm').trigger('click');
  await advance(10);
  return prompt;
}

useComponentTest(() => vi.clearAllMocks());

describe('PaymentDetailPanel', () => {
  it('shows the payment, its refunds with the refunded total, and its history as a timeline', async () => {
    read.mockResolvedValue(
      adminDetail({
        payment: paymentView({ refundedAmount: 5 }),
        refunds: [refundView()],
        events: [
          historyEvent(),
          historyEvent({ id: 'b', type: 'outcome.recorded', statusBefore: 'pending', statusAfter: 'succeeded' }),
        ],
      }),
    );
    const w = await open();
    expect(read).toHaveBeenCalledExactlyOnceWith('txn_1');
    expect(byId(w, 'payment-detail-amount').text()).toBe('25.99 USD');
    expect(byId(w, 'refunds-total').text()).toContain('5 USD');
    expect(w.findAll('[data-testid="refund-row"]')).toHaveLength(1);
    const types = w.findAll('[data-testid="payment-timeline-type"]').map((e) => e.text());
    expect(types).toEqual(['claimed', 'outcome.recorded']);
    expect(byId(w, 'payment-timeline').text()).toContain('pending → succeeded');
  });

  it('refunds part of the payment after a confirmation naming amount and currency, then reads it again', async () => {
    read.mockResolvedValueOnce(adminDetail({ payment: paymentView({ refundedAmount: 5 }) }));
    read.mockResolvedValueOnce(adminDetail({ payment: paymentView({ refundedAmount: 15 }), refunds: [refundView()] }));
    refund.mockImplementation((req) =>
      Promise.resolve({
        ...req,
        amount: req.amount!,
        status: 'succeeded',
        currency: 'USD',
        refundedAmount: 15,
        replayed: false,
      }),
    );
    const w = await open();
    expect((byId(w, 'refund-amount').element as HTMLInputElement).value).toBe('20.99');
    const prompt = await confirmRefund(w, '10');
    expect(prompt).toBe('Refund 10 USD?');
    expect(refund).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ transactionId: 'txn_1', amount: 10, reason: 'requested_by_customer' }),
    );
    expect(refund.mock.calls[0]![0].refundId).toMatch(/^rf_/);
    expect(read).toHaveBeenCalledTimes(2);
    expect(byId(w, 'refund-result').text()).toContain('10 USD');
    expect(byId(w, 'payment-detail-refunded').text()).toBe('15 USD');
  });

  it("passes the refundSeal of the detail it shows, then the next detail's; none when the answer had none", async () => {
    read.mockResolvedValueOnce(adminDetail({ refundSeal: 'seal-1' }));
    read.mockResolvedValueOnce(adminDetail({ refundSeal: 'seal-2' }));
    read.mockResolvedValueOnce(adminDetail());
    refund.mockImplementation((req) =>
      Promise.resolve({
        ...req,
        amount: req.amount!,
        status: 'succeeded',
        currency: 'USD',
        refundedAmount: 1,
        replayed: false,
      }),
    );
    const w = await open();
    await confirmRefund(w, '1');
    await confirmRefund(w, '2');
    await confirmRefund(w, '3');
    expect(refund.mock.calls.map(([req]) => req.seal)).toEqual(['seal-1', 'seal-2', undefined]);
    expect('seal' in refund.mock.calls[2]![0]).toBe(false);
  });

  it('refuses an amount above what is left without calling, and names a full refund as such', async () => {
    read.mockResolvedValue(adminDetail({ payment: paymentView({ refundedAmount: 20, pendingRefundAmount: 0.99 }) }));
    const w = await open();
    await byId(w, 'refund-amount').setValue('5.01');
    expect(byId(w, 'refund-amount-error').text()).toContain('At most 5 USD');
    expect(byId(w, 'refund-submit').attributes('disabled')).toBeDefined();
    await byId(w, 'refund-full').trigger('click');
    await byId(w, 'refund-submit').trigger('click');
    expect(w.find('[role="group"]').attributes('aria-label')).toBe('Refund 5 USD (all that is left)?');
  });

  it('repeats the refundId when the answer was lost, so a retry cannot refund twice', async () => {
    read.mockResolvedValue(adminDetail());
    refund.mockRejectedValueOnce(new ApiError('deadline-exceeded', 'no answer', { status: 'unknown' }));
    refund.mockRejectedValueOnce(new ApiError('deadline-exceeded', 'no answer', { status: 'unknown' }));
    const w = await open();
    await confirmRefund(w, '3');
    expect(byId(w, 'refund-error').text()).toContain('deadline-exceeded');
    await confirmRefund(w, '3');
    expect(refund.mock.calls[1]![0].refundId).toBe(refund.mock.calls[0]![0].refundId);
    await confirmRefund(w, '4');
    expect(refund.mock.calls[2]![0].refundId).not.toBe(refund.mock.calls[0]![0].refundId);
  });

  it('offers Cancel for a waiting payment only, behind a confirmation', async () => {
    read.mockResolvedValueOnce(adminDetail({ payment: paymentView({ status: 'requires_action', chargeId: null }) }));
    read.mockResolvedValueOnce(adminDetail({ payment: paymentView({ status: 'canceled', chargeId: null }) }));
    cancel.mockResolvedValue({ transactionId: 'txn_1', status: 'canceled' });
    const w = await open();
    expect(byId(w, 'refund-action').exists()).toBe(false);
    await byId(w, 'payment-detail-cancel').trigger('click');
    expect(cancel).not.toHaveBeenCalled();
    await byId(w, 'payment-detail-cancel-confirm').trigger('click');
    await advance(10);
    expect(cancel).toHaveBeenCalledExactlyOnceWith({ transactionId: 'txn_1' });
    expect(byId(w, 'payment-detail-status').text()).toContain('canceled');
    expect(byId(w, 'payment-detail-cancel').exists()).toBe(false);
  });

  it('shows an open dispute with its evidence deadline', async () => {
    const dispute = {
      id: 'dp_1',
      status: 'needs_response' as const,
      reason: 'fraudulent',
      amount: 25.99,
      evidenceDueBy: T0 + 7_200_000,
    };
    read.mockResolvedValue(adminDetail({ payment: paymentView({ dispute }) }));
    const w = await open();
    expect(byId(w, 'payment-dispute').text()).toContain('dp_1');
    expect(byId(w, 'payment-dispute-deadline').text()).toContain('in 2 h');
  });

  it('shows not-found as an error', async () => {
    read.mockRejectedValue(new ApiError('not-found', 'No payment has transactionId nope.'));
    const w = await open('nope');
    expect(byId(w, 'payment-detail-error-code').text()).toBe('not-found');
  });
});
