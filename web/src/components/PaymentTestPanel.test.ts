import { enableAutoUnmount, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processPayment } from '../api/payments';
import { ApiError } from '../api/errors';
import { completeAuthentication } from '../api/stripeFake';
import { TRANSACTION_ID_RULE, type ProcessPaymentRequest, type ProcessPaymentResult } from '../api/types';
import { advance, useFakeClock } from '../test/clock';
import PaymentTestPanel from './PaymentTestPanel.vue';
import { byId } from '../test/componentTest';

vi.mock('../api/payments', () => ({ processPayment: vi.fn() }));
const pay = vi.mocked(processPayment);
// The fake's control call is mocked here (api/stripeFake.test.ts drives the real fake); its URL check is real.
vi.mock('../api/stripeFake', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api/stripeFake')>()),
  completeAuthentication: vi.fn(),
}));
const complete = vi.mocked(completeAuthentication);

type Wrapper = ReturnType<typeof mount>;

function succeed(overrides: Partial<ProcessPaymentResult> = {}, delayMs = 120) {
  pay.mockImplementation(
    (req: ProcessPaymentRequest) =>
      new Promise((resolve) =>
        setTimeout(
          () =>
            resolve({
              transactionId: req.transactionId ?? 'generated',
              status: 'succeeded',
              chargeId: 'ch_123',
              amount: req.amount,
              currency: req.currency ?? 'USD',
              attempts: 2,
              replayed: false,
              ...overrides,
            }),
          delayMs,
        ),
      ),
  );
}

async function submit(w: Wrapper, wait = 1000): Promise<void> {
  await byId(w, 'payment-form').trigger('submit');
  await advance(wait);
}

enableAutoUnmount(afterEach);
beforeEach(() => {
  useFakeClock();
  pay.mockReset();
  complete.mockReset();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('PaymentTestPanel', () => {
  it('starts with a USD credit-card payment and a generated transaction id', () => {
    const w = mount(PaymentTestPanel);
    expect((byId(w, 'payment-currency').element as HTMLInputElement).value).toBe('USD');
    expect((byId(w, 'payment-method').element as HTMLSelectElement).value).toBe('credit_card');
    expect((byId(w, 'payment-txn').element as HTMLInputElement).value).toMatch(/^txn_[0-9a-z]+_[0-9a-z]{8}$/);
    expect(w.findAll('label').map((l) => l.attributes('for'))).not.toContain(undefined);
    expect(byId(w, 'payment-history-empty').exists()).toBe(true);
  });

  it.each([
    ['', 'Enter an amount.'],
    ['0', 'The amount must be greater than 0.'],
    ['-3', 'The amount must be greater than 0.'],
  ])('rejects amount %j without calling the backend', async (amount, message) => {
    const w = mount(PaymentTestPanel);
    await byId(w, 'payment-amount').setValue(amount);
    await submit(w);
    expect(pay).not.toHaveBeenCalled();
    expect(byId(w, 'payment-amount-error').text()).toBe(message);
    const input = byId(w, 'payment-amount');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.attributes('aria-describedby')).toBe(byId(w, 'payment-amount-error').attributes('id'));
  });

  it('refuses a transaction id the backend would refuse (255 characters) without calling it', async () => {
    const w = mount(PaymentTestPanel);
    await byId(w, 'payment-txn').setValue('x'.repeat(255));
    await submit(w);
    expect(pay).not.toHaveBeenCalled();
    expect(byId(w, 'payment-txn-error').text()).toContain(TRANSACTION_ID_RULE);
    expect(byId(w, 'payment-txn').attributes('aria-invalid')).toBe('true');
  });

  it('sends the form and shows status, charge id, attempts, measured duration and replayed flag', async () => {
    succeed({}, 120);
    const w = mount(PaymentTestPanel);
    await byId(w, 'payment-amount').setValue('25.99');
    await byId(w, 'payment-method').setValue('digital_wallet');
    await byId(w, 'payment-txn').setValue('txn_fixed_1');
    await byId(w, 'payment-form').trigger('submit');
    expect(byId(w, 'payment-submit').attributes('disabled')).toBeDefined();
    expect(byId(w, 'payment-sending').exists()).toBe(true);
    await advance(200);
    expect(pay).toHaveBeenCalledWith({
      amount: 25.99,
      currency: 'USD',
      paymentMethod: 'digital_wallet',
      transactionId: 'txn_fixed_1',
    });
    expect(byId(w, 'payment-result').attributes('role')).toBe('status');
    expect(byId(w, 'payment-status').text()).toContain('succeeded');
    expect(byId(w, 'payment-status').attributes('data-tone')).toBe('ok');
    expect(byId(w, 'payment-charge-id').text()).toBe('ch_123');
    expect(byId(w, 'payment-attempts').text()).toBe('2');
    expect(byId(w, 'payment-duration').text()).toBe('120 ms');
    expect(byId(w, 'payment-replayed').text()).toBe('no');
  });

  it('keeps the id after sending so a second submit is a replay; "New id" makes a fresh one', async () => {
    const w = mount(PaymentTestPanel);
    const txn = byId(w, 'payment-txn').element as HTMLInputElement;
    const first = txn.value;
    succeed();
    await submit(w);
    succeed({ replayed: true, attempts: 1 });
    await submit(w);
    expect(pay.mock.calls.map(([req]) => req.transactionId)).toEqual([first, first]);
    expect(byId(w, 'payment-replayed').text()).toBe('yes');
    await byId(w, 'payment-new-id').trigger('click');
    expect(txn.value).not.toBe(first);
    expect(txn.value).toMatch(/^txn_/);
  });

  it('shows a decline with its code', async () => {
    succeed({ status: 'declined', declineCode: 'insufficient_funds' });
    const w = mount(PaymentTestPanel);
    await byId(w, 'payment-amount').setValue('4.02');
    await submit(w);
    expect(byId(w, 'payment-status').attributes('data-tone')).toBe('warn');
    expect(byId(w, 'payment-decline-code').text()).toBe('insufficient_funds');
  });

  it('shows the error code without prefix, message and details, with a hint when the outcome is unknown', async () => {
    pay.mockRejectedValue({
      code: 'functions/deadline-exceeded',
      message: 'The payment provider did not answer in time.',
      details: { transactionId: 'txn_x', status: 'unknown', retryAfterMs: 1500 },
    });
    const w = mount(PaymentTestPanel);
    await submit(w);
    expect(byId(w, 'payment-error').attributes('role')).toBe('alert');
    expect(byId(w, 'payment-error-code').text()).toBe('deadline-exceeded');
    expect(byId(w, 'payment-error-message').text()).toBe('The payment provider did not answer in time.');
    expect(byId(w, 'payment-error-detail-status').text()).toBe('unknown');
    expect(byId(w, 'payment-error-detail-retryAfterMs').text()).toBe('1500');
    expect(byId(w, 'payment-error-detail-transactionId').text()).toBe('txn_x');
    expect(byId(w, 'payment-unknown-hint').exists()).toBe(true);
    expect(byId(w, 'payment-error').text()).toContain('Retry after 1.50 s');
  });

  it('shows the same hint when no answer came back, since a lost answer may hide a charge', async () => {
    // What the Firebase SDK throws when the request got no answer of the callable's own.
    pay.mockRejectedValueOnce({ code: 'functions/internal', message: 'internal [0]' });
    const w = mount(PaymentTestPanel);
    await submit(w);
    expect(byId(w, 'payment-error-code').text()).toBe('internal');
    expect(byId(w, 'payment-unknown-hint').text()).toContain('same transaction id');
  });

  it.each([
    [
      'a breaker that is open (not charged)',
      { code: 'functions/unavailable', message: 'Payment provider unavailable.' },
    ],
    ['an internal error of the callable', { code: 'functions/internal', message: 'Internal error (reference ab12).' }],
  ])('gives no such hint for %s', async (_, err) => {
    pay.mockRejectedValueOnce(err);
    const w = mount(PaymentTestPanel);
    await submit(w);
    expect(byId(w, 'payment-error').exists()).toBe(true);
    expect(byId(w, 'payment-unknown-hint').exists()).toBe(false);
  });

  it('keeps the last 10 attempts of the session, newest first, and loads one back into the form', async () => {
    const w = mount(PaymentTestPanel);
    for (let i = 1; i <= 12; i++) {
      if (i % 4 === 0) pay.mockRejectedValueOnce({ code: 'functions/unavailable', message: 'Breaker open.' });
      else succeed();
      await byId(w, 'payment-amount').setValue(String(i));
      await byId(w, 'payment-new-id').trigger('click');
      await submit(w);
    }
    const rows = w.findAll('[data-testid="payment-history-row"]');
    expect(rows).toHaveLength(10);
    expect(rows[0]!.text()).toContain('12 USD');
    expect(rows[0]!.text()).toContain('unavailable');
    expect(rows[1]!.text()).toContain('11 USD');
    expect(rows[9]!.text()).toContain('3 USD');

    const loadedId = rows[1]!.find('code').text();
    await rows[1]!.find('button').trigger('click');
    expect((byId(w, 'payment-amount').element as HTMLInputElement).value).toBe('11');
    expect((byId(w, 'payment-txn').element as HTMLInputElement).value).toBe(loadedId);
  });

  it('generic provider: no Stripe PaymentMethod is offered or sent', async () => {
    succeed();
    const w = mount(PaymentTestPanel, { props: { provider: 'generic' } });
    expect(byId(w, 'payment-stripe-method').exists()).toBe(false);
    await submit(w);
    expect(pay.mock.calls[0]![0]).not.toHaveProperty('paymentMethodId');
  });

  it("Stripe provider: offers Stripe's test PaymentMethods and sends the chosen one", async () => {
    succeed();
    const w = mount(PaymentTestPanel, { props: { provider: 'stripe' } });
    const select = byId(w, 'payment-stripe-method');
    expect(select.findAll('option').map((o) => o.attributes('value'))).toEqual([
      'pm_card_visa',
      'pm_card_chargeDeclined',
      'pm_card_authenticationRequired',
      'pm_fake_processing',
    ]);
    expect((select.element as HTMLSelectElement).value).toBe('pm_card_visa');
    await select.setValue('pm_card_chargeDeclined');
    await submit(w);
    expect(pay.mock.calls[0]![0]).toMatchObject({
      paymentMethod: 'credit_card',
      paymentMethodId: 'pm_card_chargeDeclined',
    });
  });

  it('processing: shown as waiting, with no authentication action', async () => {
    succeed({ status: 'processing', chargeId: '' });
    const w = mount(PaymentTestPanel, { props: { provider: 'stripe' } });
    await submit(w);
    expect(byId(w, 'payment-status').text()).toContain('processing');
    expect(byId(w, 'payment-status').attributes('data-tone')).toBe('warn');
    expect(byId(w, 'payment-processing-hint').exists()).toBe(true);
    expect(byId(w, 'payment-complete-authentication').exists()).toBe(false);
  });

  it.each<[ProcessPaymentResult['status'], string, string]>([
    ['requires_payment_method', 'payment-requires-payment-method-hint', 'another card'],
    ['canceled', 'payment-canceled-hint', 'never be charged'],
  ])('%s: shown with what it means, no authentication action', async (status, hint, words) => {
    succeed({ status, chargeId: '' });
    const w = mount(PaymentTestPanel, { props: { provider: 'stripe' } });
    await submit(w);
    expect(byId(w, 'payment-status').text()).toContain(status);
    expect(byId(w, 'payment-status').attributes('data-tone')).toBe('warn');
    expect(byId(w, hint).text()).toContain(words);
    expect(byId(w, 'payment-processing-hint').exists()).toBe(false);
    expect(byId(w, 'payment-complete-authentication').exists()).toBe(false);
  });

  it('requires_action without the Stripe fake (a production build): explained, no development action', async () => {
    succeed({ status: 'requires_action', chargeId: '', clientSecret: 'pi_abc123_secret_def456' });
    const w = mount(PaymentTestPanel, { props: { provider: 'stripe' } });
    await submit(w);
    expect(byId(w, 'payment-status').text()).toContain('requires_action');
    expect(byId(w, 'payment-requires-action-hint').text()).toContain('3-D Secure');
    expect(byId(w, 'payment-complete-authentication').exists()).toBe(false);
  });

  it('requires_action with the Stripe fake and the emulators: completes 3-D Secure, then shows the settled payment', async () => {
    vi.stubEnv('VITE_STRIPE_FAKE_URL', 'http://127.0.0.1:12111');
    vi.stubEnv('VITE_USE_EMULATORS', 'true');
    succeed({ status: 'requires_action', chargeId: '', clientSecret: 'pi_abc123_secret_def456' });
    const w = mount(PaymentTestPanel, { props: { provider: 'stripe' } });
    await byId(w, 'payment-stripe-method').setValue('pm_card_authenticationRequired');
    await submit(w);
    const first = pay.mock.calls[0]![0];
    complete.mockResolvedValue();
    succeed({ status: 'succeeded', chargeId: 'ch_after_3ds', replayed: true });
    await byId(w, 'payment-complete-authentication').trigger('click');
    await advance(1000);
    expect(complete).toHaveBeenCalledWith('http://127.0.0.1:12111', 'pi_abc123');
    expect(pay.mock.calls.map(([req]) => req)).toEqual([first, first]);
    expect(byId(w, 'payment-status').text()).toContain('succeeded');
    expect(byId(w, 'payment-charge-id').text()).toBe('ch_after_3ds');
  });

  it('says so when the Stripe fake refuses to complete authentication, and sends nothing again', async () => {
    vi.stubEnv('VITE_STRIPE_FAKE_URL', 'http://127.0.0.1:12111');
    vi.stubEnv('VITE_USE_EMULATORS', 'true');
    succeed({ status: 'requires_action', chargeId: '', clientSecret: 'pi_abc123_secret_def456' });
    const w = mount(PaymentTestPanel, { props: { provider: 'stripe' } });
    await submit(w);
    complete.mockRejectedValue(new ApiError('http-409', 'No PaymentIntent pi_abc123 in status requires_action.'));
    await byId(w, 'payment-complete-authentication').trigger('click');
    await advance(100);
    expect(byId(w, 'payment-authentication-error').text()).toContain('No PaymentIntent pi_abc123');
    expect(pay).toHaveBeenCalledTimes(1);
    expect(byId(w, 'payment-status').text()).toContain('requires_action');
  });
});
