import { describe, expect, it } from 'vitest';
import { TRANSACTION_ID_PATTERN, TRANSACTION_ID_RULE } from '../api/types';
import { newTransactionId, transactionIdProblem } from './transactionId';

describe('newTransactionId', () => {
  it('is txn_<timestamp>_<random>, differs each time, and passes the backend rule', () => {
    const a = newTransactionId(1_767_268_800_000);
    expect(a).toMatch(/^txn_1767268800000_[0-9a-z]{8}$/);
    expect(a).toMatch(TRANSACTION_ID_PATTERN);
    const ids = new Set(Array.from({ length: 50 }, () => newTransactionId(1)));
    expect(ids.size).toBe(50);
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
