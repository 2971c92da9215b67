import { createHash, randomUUID } from 'node:crypto';
import type { Firestore } from 'firebase-admin/firestore';
import { PaymentConflictError, PaymentForbiddenError, PaymentInProgressError } from './paymentErrors.js';

/** Ledger statuses. `failed` means certainly not charged; `unknown` means maybe charged. */
export const PaymentStatus = {
  pending: 'pending',
  succeeded: 'succeeded',
  declined: 'declined',
  failed: 'failed',
  unknown: 'unknown',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

/** Final statuses a repeat call simply replays. */
export const FINAL_STATUSES: readonly PaymentStatus[] = [PaymentStatus.succeeded, PaymentStatus.declined];

/** A `payments/{transactionId}` document. Times are epoch milliseconds. */
export interface PaymentRecord {
  uid: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  paymentMethod: string;
  status: PaymentStatus;
  /** Provider attempts made so far, over every call for this transactionId. */
  attempts: number;
  chargeId?: string;
  declineCode?: string;
  /** Last error for failed/unknown: a code and a person-readable message. */
  error?: { code: string; message: string };
  /** sha256 of amount, currency and method: a replay must match it. */
  requestHash: string;
  /** Which call holds the record while pending, and until when. */
  claimId?: string;
  leaseUntil?: number;
  createdAt: number;
  updatedAt: number;
}

/** The request half of a ledger record. */
export interface PaymentRequest {
  transactionId: string;
  uid: string;
  amount: number;
  currency: string;
  paymentMethod: string;
}

/** Runs a Firestore operation through the query pool. */
export type RunQuery = <T>(
  fn: (db: Firestore) => Promise<T>,
  name: string,
  opts?: { idempotent?: boolean; readOnly?: boolean },
) => Promise<T>;

export const PAYMENTS = 'payments';

/** Hash that identifies "the same request" for a transactionId. */
export function requestHash(r: Pick<PaymentRequest, 'amount' | 'currency' | 'paymentMethod'>): string {
  return createHash('sha256').update(`${r.amount}|${r.currency}|${r.paymentMethod}`).digest('hex');
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

/**
 * Claims a transactionId for one call, in a transaction, BEFORE the provider is
 * called: creates the `pending` record, or re-claims a `failed`/`unknown`/stale
 * `pending` one. If this write fails nothing is sent to the provider.
 */
export async function claimPayment(
  runQuery: RunQuery,
  req: PaymentRequest,
  leaseMs: number,
  now = Date.now,
): Promise<Claim> {
  const hash = requestHash(req);
  const claimId = randomUUID();
  return runQuery(
    (db) =>
      db.runTransaction(async (tx) => {
        const ref = db.collection(PAYMENTS).doc(req.transactionId);
        const snap = await tx.get(ref);
        const t = now();
        if (!snap.exists) {
          const record: PaymentRecord = {
            uid: req.uid,
            amount: req.amount,
            currency: req.currency,
            paymentMethod: req.paymentMethod,
            status: PaymentStatus.pending,
            attempts: 0,
            requestHash: hash,
            claimId,
            leaseUntil: t + leaseMs,
            createdAt: t,
            updatedAt: t,
          };
          tx.create(ref, record);
          return { kind: 'claimed', claimId, record, resolveFirst: false } as Claim;
        }
        const existing = snap.data() as PaymentRecord;
        if (existing.uid !== req.uid) throw new PaymentForbiddenError(req.transactionId);
        if (existing.requestHash !== hash) throw new PaymentConflictError(req.transactionId);
        if (FINAL_STATUSES.includes(existing.status)) return { kind: 'replay', record: existing } as Claim;
        if (existing.status === PaymentStatus.pending && (existing.leaseUntil ?? 0) > t) {
          throw new PaymentInProgressError(req.transactionId, Math.max(0, (existing.leaseUntil ?? t) - t));
        }
        // failed: certainly not charged, charge again. unknown or a stale pending
        // (its call died): may be charged, so ask the provider first.
        const resolveFirst = existing.status !== PaymentStatus.failed;
        const update = { status: PaymentStatus.pending, claimId, leaseUntil: t + leaseMs, updatedAt: t };
        tx.update(ref, update);
        return { kind: 'claimed', claimId, record: { ...existing, ...update }, resolveFirst } as Claim;
      }),
    'payments.claim',
  );
}

/** The outcome a call writes when it is done. */
export interface PaymentOutcome {
  status: Exclude<PaymentStatus, 'pending'>;
  attempts: number;
  chargeId?: string;
  declineCode?: string;
  error?: { code: string; message: string };
}

/**
 * Writes a call's outcome, in a transaction, only while the call still holds
 * its claim (a call whose lease expired and was taken over must not overwrite
 * the newer call's result). Returns the record as stored.
 */
export async function finalizePayment(
  runQuery: RunQuery,
  transactionId: string,
  claimId: string,
  outcome: PaymentOutcome,
  now = Date.now,
): Promise<PaymentRecord> {
  return runQuery(
    (db) =>
      db.runTransaction(async (tx) => {
        const ref = db.collection(PAYMENTS).doc(transactionId);
        const snap = await tx.get(ref);
        const current = snap.data() as PaymentRecord | undefined;
        if (!current) throw new Error(`payment record ${transactionId} vanished`);
        if (current.claimId !== claimId) return current;
        const update: Record<string, unknown> = {
          status: outcome.status,
          attempts: outcome.attempts,
          updatedAt: now(),
          claimId: null,
          leaseUntil: null,
        };
        if (outcome.chargeId) update.chargeId = outcome.chargeId;
        if (outcome.declineCode) update.declineCode = outcome.declineCode;
        update.error = outcome.error ?? null;
        tx.update(ref, update);
        return { ...current, ...update } as PaymentRecord;
      }),
    'payments.finalize',
  );
}

/**
 * Claims an `unknown` or stale `pending` record for reconciliation. Returns the
 * claim id, or null when the record is final, `failed`, or held by a live call.
 */
export async function claimForResolution(
  runQuery: RunQuery,
  transactionId: string,
  leaseMs: number,
  now = Date.now,
): Promise<{ claimId: string; record: PaymentRecord } | null> {
  const claimId = randomUUID();
  return runQuery(
    (db) =>
      db.runTransaction(async (tx) => {
        const ref = db.collection(PAYMENTS).doc(transactionId);
        const record = (await tx.get(ref)).data() as PaymentRecord | undefined;
        const t = now();
        const resolvable =
          record !== undefined &&
          (record.status === PaymentStatus.unknown ||
            (record.status === PaymentStatus.pending && (record.leaseUntil ?? 0) <= t));
        if (!resolvable) return null;
        tx.update(ref, { status: PaymentStatus.pending, claimId, leaseUntil: t + leaseMs, updatedAt: t });
        return { claimId, record };
      }),
    'payments.claimForResolution',
  );
}
