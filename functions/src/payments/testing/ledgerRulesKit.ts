import { PaymentStatus } from '../../api/index.js';
import type { AppError } from '../../resilience/appError.js';
import { requestHash, type PaymentRecord } from '../ledger/paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';

/** The ledger rule tests' clock and lease (ledger/ledgerRules.*.test.ts). */
export const NOW = 1_000_000;
export const LEASE = 30_000;
/** The request the rule tests' records were made from. */
export const req: PaymentRequest = {
  transactionId: 'tx-1',
  uid: 'u1',
  amount: 1999,
  currency: 'USD',
  paymentMethod: 'credit_card',
};

/** A stored record of `req`, as claimed by `c0` an hour ago, with `over` applied. */
export function record(over: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    uid: 'u1',
    amount: 1999,
    currency: 'USD',
    paymentMethod: 'credit_card',
    status: PaymentStatus.pending,
    attempts: 1,
    requestHash: requestHash(req),
    claimId: 'c0',
    leaseUntil: NOW - 3_600_000 + LEASE,
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
    ...over,
  };
}

/** The AppError code `fn` throws (fails the test when it returns). */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  throw new Error('expected a throw');
}
