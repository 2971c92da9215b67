import { describe, expect, it } from 'vitest';
import { documentIdPattern, REFUND_ID_PATTERN, RefundPaymentRequest } from '../../api/index.js';
import { toHttpsError } from '../../callables/toHttpsError.js';
import { parsePayload } from '../../callables/validate.js';
import {
  RefundConflictError,
  RefundExceedsRefundableError,
  RefundFailedError,
  RefundInProgressError,
  RefundPaymentNotSucceededError,
  RefundUnavailableError,
  RefundUnknownError,
} from './refundErrors.js';

describe('refund errors at the callable boundary', () => {
  it('gives each its callable code and the details the issue names', () => {
    const cases = [
      [new RefundPaymentNotSucceededError('t1', 'declined'), 'failed-precondition', { status: 'declined' }],
      [new RefundExceedsRefundableError('t1', 12.5, 'USD'), 'failed-precondition', { refundable: 12.5 }],
      [new RefundConflictError('t1', 'r1'), 'already-exists', { refundId: 'r1' }],
      [new RefundInProgressError('t1', 'r1', 300), 'aborted', { retryAfterMs: 300 }],
      [new RefundUnavailableError('t1', 'r1', 'breaker open'), 'unavailable', { refundId: 'r1', status: 'failed' }],
      [new RefundUnknownError('t1', 'r1'), 'deadline-exceeded', { refundId: 'r1', status: 'unknown' }],
      [new RefundFailedError('t1', 'r1', 'expired_card'), 'failed-precondition', { status: 'failed' }],
    ] as const;
    for (const [err, code, details] of cases) {
      const e = toHttpsError(err);
      expect(e.code, err.code).toBe(code);
      expect(e.details).toMatchObject({ code: err.code, ...details });
    }
  });
});

describe('RefundPaymentRequest', () => {
  it('has the rule of a transactionId for refundIds', () => {
    expect(REFUND_ID_PATTERN.source).toBe(documentIdPattern(64).source);
  });

  it('accepts a full and a partial refund, and refuses bad ids, reasons and unknown fields', () => {
    expect(parsePayload(RefundPaymentRequest, { transactionId: 't1', refundId: 'r1' })).toEqual({
      transactionId: 't1',
      refundId: 'r1',
    });
    const partial = { transactionId: 't1', refundId: 'r1', amount: 2.5, reason: 'duplicate' };
    expect(parsePayload(RefundPaymentRequest, partial)).toEqual(partial);
    const bad = [
      { transactionId: 't1' },
      { transactionId: 't1', refundId: '__x__' },
      { transactionId: 't1', refundId: 'r1', reason: 'because' },
      { transactionId: 't1', refundId: 'r1', amount: '5' },
      { transactionId: 't1', refundId: 'r1', uid: 'u2' },
    ];
    for (const payload of bad) {
      expect(() => parsePayload(RefundPaymentRequest, payload), JSON.stringify(payload)).toThrow(/Invalid request/);
    }
  });
});
