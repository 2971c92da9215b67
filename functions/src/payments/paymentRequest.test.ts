import { describe, expect, it } from 'vitest';
import { TRANSACTION_ID_PATTERN } from '../api/index.js';
import { redactString } from '../observability/logs/redact.js';
import { newTransactionId } from './paymentRequest.js';

describe('newTransactionId', () => {
  it('makes ids that pass the rule, differ, and stay readable in the logs (no run masked as a card number)', () => {
    const ids = Array.from({ length: 2000 }, () => newTransactionId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(TRANSACTION_ID_PATTERN);
      // Hex ids (the earlier shape) held a 13+ digit run in about 4 of 100, a tenth of them masked.
      expect(id).not.toMatch(/\d{13}/);
      expect(redactString(id)).toBe(id);
    }
  });
});
