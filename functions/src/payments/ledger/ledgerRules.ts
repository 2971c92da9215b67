import { randomUUID } from 'node:crypto';
import { PaymentStatus, type PaymentHistoryEvent } from '../../api/index.js';
import { admit, type UserLimitSettings, type UserLimitState } from '../limits/userLimiter.js';
import {
  PaymentConflictError,
  PaymentForbiddenError,
  PaymentInProgressError,
  PaymentUserLimitedError,
} from '../paymentErrors.js';
import {
  FINAL_STATUSES,
  NOT_CHARGED_STATUSES,
  requestHash,
  type Claim,
  type FinalizeResult,
  type PaymentOutcome,
  type PaymentRecord,
} from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';

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

/**
 * A step's write and its answer; `events`: the history events (api/history.ts)
 * appended in the same commit, added by the ledger around the step (history/ledgerEvents.ts).
 */
export interface LedgerStep<T> {
  write: LedgerWrite;
  result: T;
  events?: readonly PaymentHistoryEvent[];
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
      // Pinned from its first write: a call that dies after sending still names where to look.
      ...(req.providerRef ? { providerRef: req.providerRef } : {}),
    };
    return {
      write: { kind: 'create', record },
      result: { kind: 'claimed', claimId, record, resolveFirst: false, settleFrom: null, version: null },
    };
  }
  if (existing.uid !== req.uid) throw new PaymentForbiddenError(req.transactionId);
  // Our own claim, written by an earlier attempt of this same claim whose answer was lost.
  if (existing.claimId === claimId && existing.status === PaymentStatus.pending) {
    return {
      write: { kind: 'none' },
      result: { kind: 'claimed', claimId, record: existing, resolveFirst: false, settleFrom: null, version: null },
    };
  }
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
    result: {
      kind: 'claimed',
      claimId,
      record: { ...existing, ...fields },
      resolveFirst,
      settleFrom: resolveFirst ? settleFromOf(existing) : null,
      version: null,
    },
  };
}

/**
 * From when the settle window of a record's attempts runs: its last open
 * attempt (for records of older versions, its last update); for a `pending`
 * record whose call died, the end of that call's lease at the latest, since
 * the call could send until then. Null when no attempt can still be processed.
 */
export function settleFromOf(record: PaymentRecord): number | null {
  const open = record.openAttemptAt === undefined ? record.updatedAt : record.openAttemptAt;
  if (record.status !== PaymentStatus.pending) return open;
  return Math.max(open ?? 0, record.leaseUntil ?? record.updatedAt);
}

/** Lease renewal: only a call that still holds its claim on a pending record may extend it. */
export function renewStep(
  current: PaymentRecord | undefined,
  claimId: string,
  leaseUntil: number,
  now: number,
): LedgerStep<boolean> {
  if (!current || current.claimId !== claimId || current.status !== PaymentStatus.pending) {
    return { write: { kind: 'none' }, result: false };
  }
  return { write: { kind: 'update', fields: { leaseUntil, updatedAt: now } }, result: true };
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
 * The provider's own answers, written even by a call that lost its claim.
 * Not `canceled`: a cancel is ours, and the call that asked for it writes it.
 */
const DEFINITE: readonly PaymentStatus[] = [PaymentStatus.succeeded, PaymentStatus.declined];

/** Not final and held by nobody: what reconciliation may claim at any time. */
const UNSETTLED: readonly PaymentStatus[] = [
  PaymentStatus.unknown,
  PaymentStatus.requiresAction,
  PaymentStatus.requiresPaymentMethod,
  PaymentStatus.processing,
];

/**
 * Finalize rule. A final status never changes, but money wins: `succeeded`
 * over a record that says not charged (declined, canceled; failed is not
 * final) is written whatever the claim, and reported (`lateSuccessOver`).
 * Otherwise a write that meets a final status leaves
 * its status, charge, decline and error as they are, only releases the
 * writer's claim, and answers with the record (`final`) so the caller is told
 * what is stored. A call that still holds its claim writes its outcome and
 * releases the claim. A call that lost its claim writes only a definite answer,
 * because it is the truth, and leaves the other call's claim alone.
 *
 * `attempts` is a tally of requests sent to the provider, not part of the
 * outcome, and it never decreases, on a final record too. A write that did not
 * send (a webhook, reconciliation) knows only the attempts recorded before it,
 * and may settle a record while the call that sent them is still pending; that
 * call's finalize then raises the tally over the final record (status kept),
 * so a replay answers the attempts the call's own answer gave.
 */
export function finalizeStep(
  current: PaymentRecord | undefined,
  transactionId: string,
  claimId: string,
  outcome: PaymentOutcome,
  now: number,
): LedgerStep<FinalizeResult> {
  if (!current) throw new Error(`payment record ${transactionId} vanished`);
  const holds = current.claimId === claimId;
  const release = { claimId: null, leaseUntil: null, updatedAt: now };
  const lateSuccess = outcome.status === PaymentStatus.succeeded && NOT_CHARGED_STATUSES.includes(current.status);
  if (FINAL_STATUSES.includes(current.status) && !lateSuccess) {
    const same = current.status === outcome.status && (!outcome.chargeId || outcome.chargeId === current.chargeId);
    const raised = outcome.attempts > current.attempts ? { attempts: outcome.attempts, updatedAt: now } : null;
    const fields = holds ? { ...release, ...raised } : raised;
    const final = { ...current, ...fields };
    const result = { written: false, claimLost: !holds, conflict: same ? null : current.status, final };
    return { write: fields ? { kind: 'update', fields } : { kind: 'none' }, result };
  }
  if (!holds && !DEFINITE.includes(outcome.status)) {
    return { write: { kind: 'none' }, result: { written: false, claimLost: true, conflict: null } };
  }
  const fields: Partial<PaymentRecord> = {
    ...(holds ? release : { updatedAt: now }),
    status: outcome.status,
    attempts: holds ? outcome.attempts : Math.max(outcome.attempts, current.attempts),
    error: outcome.error ?? null,
  };
  if (outcome.chargeId) fields.chargeId = outcome.chargeId;
  if (outcome.declineCode) fields.declineCode = outcome.declineCode;
  const open = [outcome.openAttemptAt, current.openAttemptAt].filter((t): t is number => typeof t === 'number');
  if (open.length) fields.openAttemptAt = Math.max(...open);
  else if (outcome.openAttemptAt === null && current.openAttemptAt === undefined) fields.openAttemptAt = null;
  const result: FinalizeResult = { written: true, claimLost: !holds, conflict: null };
  if (lateSuccess) result.lateSuccessOver = current.status;
  return { write: { kind: 'update', fields }, result };
}

/**
 * Resolution rule: only `unknown` records and `pending` ones whose lease ended
 * may be claimed, and (with `expectedUpdatedAt`) only if unchanged since they
 * were scanned, so two overlapping reconciliation passes never act twice on one.
 */
export function resolutionStep(
  record: PaymentRecord | undefined,
  claimId: string,
  now: number,
  leaseMs: number,
  expectedUpdatedAt?: number,
): LedgerStep<{ claimId: string; record: PaymentRecord } | null> {
  const resolvable =
    record !== undefined &&
    (expectedUpdatedAt === undefined || record.updatedAt === expectedUpdatedAt) &&
    (UNSETTLED.includes(record.status) || (record.status === PaymentStatus.pending && (record.leaseUntil ?? 0) <= now));
  if (!resolvable) return { write: { kind: 'none' }, result: null };
  const fields = { status: PaymentStatus.pending, claimId, leaseUntil: now + leaseMs, updatedAt: now };
  return { write: { kind: 'update', fields }, result: { claimId, record } };
}

/**
 * A call the ledger refuses (another user's id, other parameters, a call in
 * progress): the error it answers with once its spend is written.
 */
export interface RefusedClaim {
  kind: 'refused';
  error: PaymentForbiddenError | PaymentConflictError | PaymentInProgressError;
}

/**
 * A claim step that also admits the call under its user's limits (state of
 * `userLimits/{uid}`). Every call spends, whatever the record says: a replay
 * or a refusal is admitted (or refused as limited) like a new payment and its
 * spend written with the step, so calling with another user's transactionId
 * is rate-limited and `permission-denied` is only ever seen within the budget.
 * Only a claim keeps its in-flight slot past the step (until its lease ends or
 * its outcome frees it); a replay's or refusal's slot ends with its answer.
 */
export function limitedClaimStep(
  existing: PaymentRecord | undefined,
  user: UserLimitState | undefined,
  req: PaymentRequest,
  claimId: string,
  now: number,
  leaseMs: number,
  limits: UserLimitSettings,
): LedgerStep<Claim | RefusedClaim> & { user: UserLimitState } {
  let step: LedgerStep<Claim | RefusedClaim>;
  try {
    step = claimStep(existing, req, claimId, now, leaseMs);
  } catch (err) {
    if (
      !(err instanceof PaymentForbiddenError) &&
      !(err instanceof PaymentConflictError) &&
      !(err instanceof PaymentInProgressError)
    )
      throw err;
    step = { write: { kind: 'none' }, result: { kind: 'refused', error: err } };
  }
  const leaseUntil = step.result.kind === 'claimed' ? now + leaseMs : now;
  const decision = admit(user, limits, claimId, leaseUntil, now);
  if (!decision.ok) throw new PaymentUserLimitedError(req.transactionId, decision.reason, decision.retryAfterMs);
  return { ...step, user: decision.next };
}
