import { describe, expect, it } from 'vitest';
import { TRANSACTION_ID_RULE } from '../api/types';
import { buildFaultConfig, fieldsFor, type FaultForm } from './useFaults';
import { validatePayment, type PaymentForm } from './usePaymentTest';

const payment: PaymentForm = {
  amount: '25.99',
  currency: 'usd',
  paymentMethod: 'debit_card',
  transactionId: ' txn_1_abc ',
  paymentMethodId: 'pm_card_visa',
};

describe('validatePayment', () => {
  it('sends the Stripe test PaymentMethod only to the Stripe provider', () => {
    expect(validatePayment(payment, 'stripe').request).toMatchObject({ paymentMethodId: 'pm_card_visa' });
    expect(validatePayment(payment, 'generic').request).not.toHaveProperty('paymentMethodId');
    expect(validatePayment(payment, null).request).not.toHaveProperty('paymentMethodId');
  });

  it('builds the callable payload: number amount, upper-case currency, trimmed id', () => {
    expect(validatePayment(payment)).toEqual({
      errors: {},
      request: { amount: 25.99, currency: 'USD', paymentMethod: 'debit_card', transactionId: 'txn_1_abc' },
    });
  });

  it('requires an amount greater than 0', () => {
    expect(validatePayment({ ...payment, amount: '' }).errors.amount).toBe('Enter an amount.');
    expect(validatePayment({ ...payment, amount: '  ' }).request).toBeUndefined();
    expect(validatePayment({ ...payment, amount: '0' }).errors.amount).toBe('The amount must be greater than 0.');
    expect(validatePayment({ ...payment, amount: '-5' }).errors.amount).toBe('The amount must be greater than 0.');
    expect(validatePayment({ ...payment, amount: 'abc' }).errors.amount).toMatch(/must be a number/);
  });

  it('checks the currency and the transaction id', () => {
    expect(validatePayment({ ...payment, currency: 'US' }).errors.currency).toMatch(/three-letter/);
    expect(validatePayment({ ...payment, transactionId: '' }).errors.transactionId).toMatch(/New id/);
  });

  it.each([
    ['255 characters', 'x'.repeat(255)],
    ['65 characters', 'x'.repeat(65)],
    ['a space inside', 'txn 1'],
    ['a dot', 'txn.1'],
    ['non-ASCII letters', 'txn_é'],
  ])('refuses an id the backend refuses: %s', (_, transactionId) => {
    const { errors, request } = validatePayment({ ...payment, transactionId });
    expect(request).toBeUndefined();
    expect(errors.transactionId).toContain(TRANSACTION_ID_RULE);
  });

  it.each([['x'.repeat(64)], ['A-z_0-9'], ['1']])('accepts the id %j, as the backend does', (transactionId) => {
    expect(validatePayment({ ...payment, transactionId }).request?.transactionId).toBe(transactionId);
  });
});

describe('buildFaultConfig', () => {
  const form: FaultForm = { mode: 'none', latencyMs: '', errorRate: '', retryAfterSec: '', commitDelayMs: '' };

  it('sends only the fields the mode uses, empty ones left to the simulator defaults', () => {
    expect(buildFaultConfig(form).config).toEqual({ mode: 'none' });
    expect(buildFaultConfig({ ...form, mode: 'errors', errorRate: '0.8', retryAfterSec: '9' }).config).toEqual({
      mode: 'errors',
      errorRate: 0.8,
    });
    expect(buildFaultConfig({ ...form, mode: 'rate-limit', latencyMs: '100', retryAfterSec: '2' }).config).toEqual({
      mode: 'rate-limit',
      latencyMs: 100,
      retryAfterSec: 2,
    });
    expect(fieldsFor('commit-then-timeout')).toEqual(['latencyMs', 'commitDelayMs']);
    expect(fieldsFor('late-commit')).toEqual(['latencyMs', 'commitDelayMs']);
    expect(fieldsFor('accepted-then-commit')).toEqual(['latencyMs', 'commitDelayMs']);
    expect(fieldsFor('outage')).toEqual(['latencyMs']);
  });

  it('rejects out-of-range numbers by field', () => {
    const result = buildFaultConfig({ ...form, mode: 'errors', errorRate: '1.5', latencyMs: '-1' });
    expect(result.config).toBeUndefined();
    expect(result.errors.errorRate).toMatch(/0 to 1/);
    expect(result.errors.latencyMs).toMatch(/0 to 600000/);
  });
});
