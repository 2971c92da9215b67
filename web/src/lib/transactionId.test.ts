import { describe, expect, it } from 'vitest';
import { TRANSACTION_ID_PATTERN, TRANSACTION_ID_RULE } from '../api/types';
import { newRefundId } from './refundId';
import { newTransactionId, transactionIdProblem } from './transactionId';

describe('newTransactionId', () => {
  it('is txn_<timestamp in base 36>_<random>, differs each time, and passes the backend rule', () => {
    const a = newTransactionId(1_767_268_800_000);
    expect(a).toMatch(/^txn_mjve7pc0_[0-9a-z]{8}$/);
    expect(a).toMatch(TRANSACTION_ID_PATTERN);
    const ids = new Set(Array.from({ length: 50 }, () => newTransactionId(1)));
    expect(ids.size).toBe(50);
  });
});

describe('ids the SPA makes', () => {
  it('hold no run of 13 decimal digits, which the logs would mask as a card number when it passes Luhn', () => {
    // 1796624884633 (a Date.now() of 2026-12-07) passes Luhn: in decimal it was masked in every log line.
    for (const id of [newTransactionId(1_796_624_884_633), newRefundId(1_796_624_884_633), newTransactionId()]) {
      expect(id).not.toMatch(/\d{13}/);
    }
  });
});

describe('transactionIdProblem', () => {
  it('asks for an id when empty and refuses what the backend pattern refuses', () => {
    expect(transactionIdProblem('')).toMatch(/New id/);
    expect(transactionIdProblem('x'.repeat(64))).toBeNull();
    expect(transactionIdProblem('x'.repeat(65))).toContain(TRANSACTION_ID_RULE);
    expect(transactionIdProblem('x'.repeat(255))).toContain(TRANSACTION_ID_RULE);
    expect(transactionIdProblem('txn/1')).toContain(TRANSACTION_ID_RULE);
  });
});
