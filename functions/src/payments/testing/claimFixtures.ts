/** Shared fixtures of the OptimisticClaims tests (optimisticClaim*.test.ts): one request, its limits and its record. */
import type { Timestamp } from 'firebase-admin/firestore';
import { PaymentStatus } from '../../api/index.js';
import { requestHash, type PaymentRecord } from '../ledger/paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';
import type { Version } from './fakeClaimStore.js';

/** The tests' clock. */
export const NOW = 5_000_000;
/** The claims' lease. */
export const LEASE = 30_000;
/** Per-user limits with a small burst. */
export const LIMITS = { ratePerMin: 600, burst: 5, maxInFlight: 2 };
/** The payment every test claims. */
export const req: PaymentRequest = {
  transactionId: 'tx-1',
  uid: 'u1',
  amount: 500,
  currency: 'USD',
  paymentMethod: 'credit_card',
};

/** A fake store's version as the Firestore update time the adapter expects. */
export const asVersion = (v: Version) => v as unknown as Timestamp;

/** The stored record of {@link req}: succeeded unless overridden. */
export const stored = (over: Partial<PaymentRecord> = {}): PaymentRecord => ({
  uid: 'u1',
  amount: 500,
  currency: 'USD',
  paymentMethod: 'credit_card',
  status: PaymentStatus.succeeded,
  attempts: 1,
  requestHash: requestHash(req),
  createdAt: 1,
  updatedAt: 1,
  ...over,
});
