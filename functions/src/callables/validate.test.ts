import { describe, expect, it } from 'vitest';
import {
  ProcessPaymentRequest,
  RefundPaymentRequest,
  TRANSACTION_ID_PATTERN,
  documentIdPattern,
} from '../api/index.js';
import { parsePayload } from './validate.js';

const payment = (transactionId: string) => ({ amount: 5, paymentMethod: 'credit_card', transactionId });

describe("parsePayload with processPayment's schema", () => {
  it.each(['__x__', '____', '__a_b__', '__name__'])(
    'refuses %s, an id Firestore reserves, as INVALID_ARGUMENT naming the field',
    (id) => {
      let thrown: unknown;
      try {
        parsePayload(ProcessPaymentRequest, payment(id));
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((thrown as Error).message).toContain('transactionId');
    },
  );

  it.each(['__x', 'x__', '_x_', 'a__b__c', '_', '-__-', 'txn_1_abc'])('accepts %s', (id) => {
    expect(parsePayload(ProcessPaymentRequest, payment(id))).toMatchObject({ transactionId: id });
  });

  it('keeps the length and character rule', () => {
    expect(TRANSACTION_ID_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(TRANSACTION_ID_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(TRANSACTION_ID_PATTERN.test('a/b')).toBe(false);
    expect(documentIdPattern(3).test('abcd')).toBe(false);
    expect(documentIdPattern(6).test('__ab__')).toBe(false);
  });
});

describe('parsePayload and null fields', () => {
  const refund = { transactionId: 'txn_1', refundId: 'r_1' };

  it('takes a null field as an absent one (the web SDK sends undefined as null)', () => {
    const parsed = parsePayload(RefundPaymentRequest, { ...refund, amount: null, seal: null, reason: null });
    expect(parsed).toEqual(refund);
    expect(parsePayload(ProcessPaymentRequest, { ...payment('txn_2'), seal: null, currency: null })).toEqual(
      payment('txn_2'),
    );
  });

  it('still refuses a required field sent as null, naming it', () => {
    let thrown: unknown;
    try {
      parsePayload(RefundPaymentRequest, { ...refund, refundId: null });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((thrown as Error).message).toContain('refundId');
  });

  it('still refuses a wrong type that is not null', () => {
    expect(() => parsePayload(RefundPaymentRequest, { ...refund, seal: 5 })).toThrow(/seal/);
  });
});
