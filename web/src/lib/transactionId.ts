import { TRANSACTION_ID_PATTERN, TRANSACTION_ID_RULE } from '../api/types';

/**
 * A fresh idempotency key shaped `txn_<epoch ms in base 36>_<8 random base-36 chars>`; it always passes the
 * backend's rule. Base 36 because the logs mask a run of 13-19 decimal digits that passes Luhn as a card
 * number, which a decimal epoch-ms does one time in ten: the id would be unsearchable in CloudWatch.
 */
export function newTransactionId(now: number = Date.now()): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint32Array(2));
  const random = (a.toString(36) + b.toString(36)).padStart(8, '0').slice(-8);
  return `txn_${now.toString(36)}_${random}`;
}

/**
 * Why `id` (already trimmed) would be refused by processPayment, in words, or
 * null when it is acceptable. The rule is the backend's own, so the form never
 * sends an id the callable rejects.
 */
export function transactionIdProblem(id: string): string | null {
  if (id === '') return 'Enter a transaction id or press "New id".';
  if (!TRANSACTION_ID_PATTERN.test(id)) return `A transaction id is ${TRANSACTION_ID_RULE}.`;
  return null;
}
