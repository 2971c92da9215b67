import { createHash } from 'node:crypto';
import { PaymentStatus } from '../../api.js';

/** Final statuses a repeat call simply replays. */
export const FINAL_STATUSES: readonly PaymentStatus[] = [PaymentStatus.succeeded, PaymentStatus.declined];

/** A ledger record (`payments/{transactionId}` in Firestore). Times are epoch milliseconds. */
export interface PaymentRecord {
  uid: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  paymentMethod: string;
  status: PaymentStatus;
  /** Provider attempts made so far, over every call for this transactionId. */
  attempts: number;
  /** What the provider calls this payment; absent means the transactionId itself. */
  providerRef?: string;
  chargeId?: string;
  declineCode?: string;
  /** Last error for failed/unknown: a code and a person-readable message. */
  error?: { code: string; message: string } | null;
  /** sha256 of amount, currency and method: a replay must match it. */
  requestHash: string;
  /** Which call holds the record while pending, and until when. */
  claimId?: string | null;
  leaseUntil?: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The request half of a ledger record. */
export interface PaymentRequest {
  transactionId: string;
  uid: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  paymentMethod: string;
}

/** What claiming a transactionId produced. */
export type Claim =
  | { kind: 'replay'; record: PaymentRecord }
  | {
      kind: 'claimed';
      claimId: string;
      record: PaymentRecord;
      /** True when an earlier call may have reached the provider: ask it before charging. */
      resolveFirst: boolean;
    };

/** The outcome a call writes when it is done. */
export interface PaymentOutcome {
  status: Exclude<PaymentStatus, 'pending'>;
  attempts: number;
  chargeId?: string;
  declineCode?: string;
  error?: { code: string; message: string };
}

/** A record reconciliation may resolve, with its id. */
export interface UnresolvedPayment {
  transactionId: string;
  record: PaymentRecord;
}

/**
 * Where payments are recorded, claimed and resolved: the write-ahead ledger.
 * A call claims its transactionId before the provider is called, holds a lease
 * while it works, and writes the outcome only while it still holds the claim.
 * Implementations: FirestoreLedger (production) and MemoryLedger (tests); both
 * apply the same rules (ledgerRules.ts).
 */
export interface PaymentLedger {
  /**
   * Claims `req.transactionId` for one call: creates the `pending` record, or
   * re-claims a `failed`/`unknown`/stale `pending` one, or returns a final one
   * to replay. Throws PAYMENT_FORBIDDEN (another user's id), PAYMENT_CONFLICT
   * (other parameters) or PAYMENT_IN_PROGRESS (a live claim).
   */
  claim(req: PaymentRequest, leaseMs: number): Promise<Claim>;
  /** Stores the provider's reference of a claimed payment (before any money moves). */
  attachProviderRef(transactionId: string, claimId: string, providerRef: string): Promise<void>;
  /** Writes a call's outcome if the call still holds its claim; a call that lost it changes nothing. */
  finalize(transactionId: string, claimId: string, outcome: PaymentOutcome): Promise<void>;
  /** Claims an `unknown` or stale `pending` record for reconciliation; null when it is not resolvable now. */
  claimForResolution(
    transactionId: string,
    leaseMs: number,
  ): Promise<{ claimId: string; record: PaymentRecord } | null>;
  /** Records reconciliation should look at: `unknown`, and `pending` (a live lease is skipped at claim time). */
  scanUnresolved(limit: number): Promise<UnresolvedPayment[]>;
  /** One record, or null (operators, tests). */
  get(transactionId: string): Promise<PaymentRecord | null>;
}

/** Hash that identifies "the same request" for a transactionId. */
export function requestHash(r: Pick<PaymentRequest, 'amount' | 'currency' | 'paymentMethod'>): string {
  return createHash('sha256').update(`${r.amount}|${r.currency}|${r.paymentMethod}`).digest('hex');
}
