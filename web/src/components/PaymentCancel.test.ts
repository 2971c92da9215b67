import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { cancelPayment, processPayment } from '../api/payments';
import type { ProcessPaymentRequest, ProcessPaymentResult } from '../api/types';
import { advance } from '../test/clock';
import PaymentTestPanel from './PaymentTestPanel.vue';
import { byId, useComponentTest } from '../test/componentTest';

vi.mock('../api/payments', () => ({ processPayment: vi.fn(), cancelPayment: vi.fn() }));
const pay = vi.mocked(processPayment);
const cancel = vi.mocked(cancelPayment);

type Wrapper = ReturnType<typeof mount>;

/** processPayment answers `status` for each call, in order. */
function answers(...statuses: ProcessPaymentResult['status'][]) {
  for (const status of statuses) {
    pay.mockImplementationOnce((req: ProcessPaymentRequest) =>
      Promise.resolve({
        transactionId: req.transactionId ?? 'generated',
        status,
        chargeId: '',
        amount: req.amount,
        currency: req.currency ?? 'USD',
        attempts: 1,
        replayed: status === 'canceled',
      }),
    );
  }
}

async function submit(w: Wrapper): Promise<void> {
  await byId(w, 'payment-form').trigger('submit');
  await advance(100);
}

useComponentTest(() => {
  pay.mockReset();
  cancel.mockReset();
});

describe('PaymentTestPanel: canceling a waiting payment', () => {
  it('offers Cancel beside a requires_action result only', async () => {
    answers('succeeded', 'requires_action');
    const w = mount(PaymentTestPanel);
    await submit(w);
    expect(byId(w, 'payment-cancel').exists()).toBe(false);
    await submit(w);
    expect(byId(w, 'payment-cancel').text()).toBe('Cancel payment');
  });

  it('cancels through cancelPayment, then replays the payment, which shows it canceled', async () => {
    answers('requires_action', 'canceled');
    let done: () => void = () => undefined;
    cancel.mockImplementation(
      (req) =>
        new Promise((resolve) => (done = () => resolve({ transactionId: req.transactionId, status: 'canceled' }))),
    );
    const w = mount(PaymentTestPanel);
    await submit(w);
    const id = byId(w, 'payment-transaction-id').text();
    await byId(w, 'payment-cancel').trigger('click');
    expect(byId(w, 'payment-cancel').text()).toBe('Canceling…');
    expect(byId(w, 'payment-cancel').attributes('disabled')).toBeDefined();
    done();
    await advance(100);
    expect(cancel).toHaveBeenCalledExactlyOnceWith({ transactionId: id });
    expect(pay).toHaveBeenCalledTimes(2);
    expect(pay.mock.calls[1]![0]).toEqual(pay.mock.calls[0]![0]);
    expect(byId(w, 'payment-status').text()).toContain('canceled');
    expect(byId(w, 'payment-replayed').text()).toBe('yes');
    expect(byId(w, 'payment-cancel').exists()).toBe(false);
  });

  it('a refused cancel shows why and leaves the payment as it was', async () => {
    answers('requires_action');
    cancel.mockRejectedValue(
      new ApiError('failed-precondition', 'Transaction t cannot be canceled: it is succeeded (charged).', {
        code: 'PAYMENT_NOT_CANCELABLE',
        status: 'succeeded',
      }),
    );
    const w = mount(PaymentTestPanel);
    await submit(w);
    await byId(w, 'payment-cancel').trigger('click');
    await advance(100);
    expect(byId(w, 'payment-cancel-error').text()).toContain('cannot be canceled: it is succeeded');
    expect(pay).toHaveBeenCalledTimes(1);
    expect(byId(w, 'payment-status').text()).toContain('requires_action');
  });
});
