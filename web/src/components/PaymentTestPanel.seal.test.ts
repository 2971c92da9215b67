import { enableAutoUnmount, mount } from '@vue/test-utils';
import type { User } from 'firebase/auth';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processPayment } from '../api/payments';
import type { ProcessPaymentRequest } from '../api/types';
import { forgetPaymentSeals } from '../composables/usePaymentSeal';
import { useSession } from '../composables/useSession';
import { advance, useFakeClock } from '../test/clock';
import PaymentTestPanel from './PaymentTestPanel.vue';

vi.mock('../api/payments', () => ({ processPayment: vi.fn() }));
const pay = vi.mocked(processPayment);
const SEAL = 'SEALxZ9_opaque-token-of-the-limits';

enableAutoUnmount(afterEach);
beforeEach(() => {
  useFakeClock();
  pay.mockReset();
  forgetPaymentSeals();
  useSession().user.value = { uid: 'u1' } as User;
  pay.mockImplementation((req: ProcessPaymentRequest) =>
    Promise.resolve({
      transactionId: req.transactionId ?? 'generated',
      status: 'succeeded',
      chargeId: 'ch_1',
      amount: req.amount,
      currency: 'USD',
      attempts: 1,
      replayed: false,
      seal: SEAL,
    }),
  );
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  useSession().user.value = null;
});

describe('PaymentTestPanel sealed reads', () => {
  it("passes the user's last seal with the next payment; nothing of it is shown, kept in the history or logged", async () => {
    const logged = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const w = mount(PaymentTestPanel);
    await w.find('[data-testid="payment-form"]').trigger('submit');
    await advance(100);
    await w.find('[data-testid="payment-new-id"]').trigger('click');
    await w.find('[data-testid="payment-form"]').trigger('submit');
    await advance(100);
    expect(pay.mock.calls.map(([req]) => req.seal)).toEqual([undefined, SEAL]);
    expect(w.find('[data-testid="payment-status"]').text()).toContain('succeeded');
    expect(w.html()).not.toContain(SEAL);
    expect(JSON.stringify(logged.map((spy) => spy.mock.calls))).not.toContain(SEAL);
  });
});
