import { randomUUID } from 'node:crypto';
import { PaymentStatus } from '../../api.js';
import { PaymentConflictError, PaymentForbiddenError, PaymentInProgressError } from '../paymentErrors.js';
import {
  FINAL_STATUSES,
  requestHash,
  type Claim,
  type PaymentOutcome,
  type PaymentRecord,
  type PaymentRequest,
} from './paymentLedger.js';

/**
 * The ledger's rules as pure read-modify-write steps, shared by every
 * PaymentLedger implementation so Firestore and the in-memory ledger cannot
 * disagree. Each step gets the current record (or undefined) and the time, and
 * says what to write: `create` a new record, `update` fields, or nothing.
 * Steps may run more than once (Firestore retries contended transactions), so
 * they read no clock and have no side effects; ids are chosen by the caller.
 */
export type LedgerWrite =
  { kind: 'create'; record: PaymentRecord } | { kind: 'update'; fields: Partial<PaymentRecord> } | { kind: 'none' };

/** A step's write and its answer. */
export interface LedgerStep<T> {
  write: LedgerWrite;
  result: T;
}

/** A fresh claim id for one call. */
export const newClaimId = (): string => randomUUID();

/** Claim rule: create, replay, refuse, or re-claim (see PaymentLedger.claim). */
export function claimStep(
  existing: PaymentRecord | undefined,
  req: PaymentRequest,
  claimId: string,
  now: number,
  leaseMs: number,
): LedgerStep<Claim> {
  const hash = requestHash(req);
  if (!existing) {
    const record: PaymentRecord = {
      uid: req.uid,
      amount: req.amount,
      currency: req.currency,
      paymentMethod: req.paymentMethod,
      status: PaymentStatus.pending,
      attempts: 0,
      requestHash: hash,
      claimId,
      leaseUntil: now + leaseMs,
      createdAt: now,
      updatedAt: now,
    };
    return { write: { kind: 'create', record }, result: { kind: 'claimed', claimId, record, resolveFirst: false } };
  }
  if (existing.uid !== req.uid) throw new PaymentForbiddenError(req.transactionId);
  if (existing.requestHash !== hash) throw new PaymentConflictError(req.transactionId);
  if (FINAL_STATUSES.includes(existing.status))
    return { write: { kind: 'none' }, result: { kind: 'replay', record: existing } };
  if (existing.status === PaymentStatus.pending && (existing.leaseUntil ?? 0) > now) {
    throw new PaymentInProgressError(req.transactionId, Math.max(0, (existing.leaseUntil ?? now) - now));
  }
  // failed: certainly not charged, charge again. unknown or a stale pending
  // (its call died): may be charged, so ask the provider first.
  const resolveFirst = existing.status !== PaymentStatus.failed;
  const fields = { status: PaymentStatus.pending, claimId, leaseUntil: now + leaseMs, updatedAt: now };
  return {
    write: { kind: 'update', fields },
    result: { kind: 'claimed', claimId, record: { ...existing, ...fields }, resolveFirst },
  };
}

/** Attach rule: the provider reference is stored only while the call holds the claim. */
export function attachStep(
  current: PaymentRecord | undefined,
  claimId: string,
  providerRef: string,
  now: number,
): LedgerStep<void> {
  if (!current || current.claimId !== claimId) return { write: { kind: 'none' }, result: undefined };
  return { write: { kind: 'update', fields: { providerRef, updatedAt: now } }, result: undefined };
}

/**
 * Finalize rule: written only while the call still holds its claim (a call
 * whose lease expired and was taken over must not overwrite the newer call's
 * result); releases the claim.
 */
export function finalizeStep(
  current: PaymentRecord | undefined,
  transactionId: string,
  claimId: string,
  outcome: PaymentOutcome,
  now: number,
): LedgerStep<void> {
  if (!current) throw new Error(`payment record ${transactionId} vanished`);
  if (current.claimId !== claimId) return { write: { kind: 'none' }, result: undefined };
  const fields: Partial<PaymentRecord> = {
    status: outcome.status,
    attempts: outcome.attempts,
    updatedAt: now,
    claimId: null,
    leaseUntil: null,
    error: outcome.error ?? null,
  };
  if (outcome.chargeId) fields.chargeId = outcome.chargeId;
  if (outcome.declineCode) fields.declineCode = outcome.declineCode;
  return { write: { kind: 'update', fields }, result: undefined };
}

/** Resolution rule: only `unknown` records and `pending` ones whose lease ended may be claimed. */
export function resolutionStep(
  record: PaymentRecord | undefined,
  claimId: string,
  now: number,
  leaseMs: number,
): LedgerStep<{ claimId: string; record: PaymentRecord } | null> {
  const resolvable =
    record !== undefined &&
    (record.status === PaymentStatus.unknown ||
      (record.status === PaymentStatus.pending && (record.leaseUntil ?? 0) <= now));
  if (!resolvable) return { write: { kind: 'none' }, result: null };
  const fields = { status: PaymentStatus.pending, claimId, leaseUntil: now + leaseMs, updatedAt: now };
  return { write: { kind: 'update', fields }, result: { claimId, record } };
}
