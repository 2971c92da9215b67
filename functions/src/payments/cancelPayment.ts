import { PAYMENT_LOOKUP_MS } from '../config/index.js';
import {
  PaymentHistoryEventType,
  ProductErrorCode,
  PaymentStatus,
  SettledBy,
  type CancelPaymentResult,
  type ErrorCode,
} from '../api/index.js';
import { userActor } from './history/historyEvents.js';
import { AppError } from '../resilience/appError.js';
import { settleFromOf } from './ledger/ledgerRules.js';
import type { CancelCaller, PaymentLedger, PaymentOutcome, PaymentRecord } from './ledger/paymentLedger.js';
import { PaymentNotCancelableError } from './paymentErrors.js';
import type { PaymentEventSink } from './paymentEvents.js';
import { requestOfRecord, type PaymentRequest } from './paymentRequest.js';
import { settledEvent } from './paymentSettled.js';
import type { Charge, PaymentProvider } from './provider/paymentProvider.js';
import { settle, unknownError } from './settlement.js';

/**
 * `cancelPayment`'s decisions, through the PaymentLedger and PaymentProvider
 * ports. The ledger claims the record first (ledger/cancelRules.ts: who may
 * cancel, which statuses), so no call, webhook claim or reconciliation acts on
 * it meanwhile; then the provider decides:
 * - a provider that cancels (Stripe): `canceled` -> recorded canceled; refused
 *   because it was charged or declined first -> that truth is recorded and the
 *   cancel refused naming it; `not-cancelable` -> refused, record unchanged;
 *   `not-found` -> canceled only for a record that never got a provider
 *   reference (never created there); `unavailable` -> record unchanged;
 * - a provider without a cancel (the generic contract): canceled only when
 *   certainly not charged: never sent (no attempt recorded, none left open),
 *   or a lookup finds nothing after the settle window. Found -> recorded and
 *   refused; waiting at the provider -> recorded and refused (the provider
 *   cannot cancel it); anything else -> refused or unavailable, record unchanged.
 * "Record unchanged" means the claim is released with the record's status as it was.
 */

/** What a cancel needs. */
export interface CancelDeps {
  ledger: PaymentLedger;
  provider: PaymentProvider;
  /** [PAYMENT_SETTLE_MS] */
  settleMs: number;
  events?: PaymentEventSink;
  now?: () => number;
}

/** Time one cancel may hold its claim: the provider's cancel, a lookup and two ledger writes. */
export const CANCEL_LEASE_MS = 2 * PAYMENT_LOOKUP_MS + 5000;

/** A claimed cancel: the record as it was before the claim, and the request the provider is asked about. */
interface Held {
  deps: CancelDeps;
  caller: CancelCaller;
  transactionId: string;
  claimId: string;
  record: PaymentRecord;
  req: PaymentRequest;
  ref: string;
}

/**
 * Cancels payment `transactionId` for `caller` (its owner, or an admin) and
 * answers `{ transactionId, status: 'canceled' }`; a payment already canceled
 * answers the same (a cancel is idempotent). Throws PAYMENT_NOT_FOUND,
 * PAYMENT_FORBIDDEN, PAYMENT_IN_PROGRESS, PAYMENT_USER_LIMITED,
 * PAYMENT_NOT_CANCELABLE (naming the status) or PAYMENT_UNAVAILABLE.
 */
export async function cancelPayment(
  deps: CancelDeps,
  transactionId: string,
  caller: CancelCaller,
): Promise<CancelPaymentResult> {
  const claim = await deps.ledger.claimForCancel(transactionId, caller, CANCEL_LEASE_MS, deps.settleMs);
  if (claim.kind === 'canceled') return { transactionId, status: PaymentStatus.canceled };
  const { record, claimId } = claim;
  const req = requestOfRecord(transactionId, record);
  const held: Held = { deps, caller, transactionId, claimId, record, req, ref: record.providerRef ?? transactionId };
  try {
    return await decide(held);
  } catch (err) {
    // Any failure before an outcome was written gives the record back as it was (the refusals above already did).
    if (!(err instanceof AppError) || err.code !== ProductErrorCode.PAYMENT_NOT_CANCELABLE) {
      await restore(held).catch(() => undefined);
    }
    throw err;
  }
}

async function decide(h: Held): Promise<CancelPaymentResult> {
  const answer = await h.deps.provider.cancel(h.ref, h.req, PAYMENT_LOOKUP_MS);
  switch (answer.kind) {
    case 'canceled':
      return canceled(h, 'canceled at the provider');
    case 'found':
      return refuseCharged(h, answer.charge);
    case 'not-cancelable':
      await restore(h);
      throw new PaymentNotCancelableError(h.transactionId, answer.state, 'the provider refused to cancel it');
    case 'not-found':
      // A reference the provider gave us and no longer knows is not "never created": another account's key?
      if (h.record.providerRef === undefined) return canceled(h, 'never created at the provider');
      throw unavailable(h, `the provider does not know its payment ${h.ref}`);
    case 'unavailable':
      throw unavailable(h, answer.reason);
    case 'unsupported':
      return withoutProviderCancel(h);
  }
}

/** The generic contract: "not charged" only when never sent, or not found after the settle window. */
async function withoutProviderCancel(h: Held): Promise<CancelPaymentResult> {
  const { record, deps } = h;
  const neverSent = record.attempts === 0 && !record.openAttemptAt && record.status !== PaymentStatus.pending;
  if (neverSent) return canceled(h, 'never sent to the provider');
  const look = await deps.provider.lookup(h.ref, h.req, PAYMENT_LOOKUP_MS);
  const from = settleFromOf(record);
  const s = settle(look, h.req, from === null ? null : from + deps.settleMs, (deps.now ?? Date.now)());
  switch (s.kind) {
    case 'not-charged':
      return canceled(h, 'not found at the provider after the settle window');
    case 'canceled':
      return canceled(h, 'already canceled at the provider');
    case 'charged':
    case 'mismatch':
      return refuseCharged(h, s.charge);
    case 'pending': {
      // Each waiting state at the provider is the ledger status of the same name.
      const status: PaymentStatus = s.state;
      await write(h, { status });
      throw new PaymentNotCancelableError(h.transactionId, status, 'the provider holds it and has no cancel');
    }
    case 'settling':
      await restore(h);
      throw new PaymentNotCancelableError(
        h.transactionId,
        PaymentStatus.unknown,
        `the provider may still charge it until ${new Date(s.until).toISOString()}`,
        Math.max(0, s.until - (deps.now ?? Date.now)()),
      );
    case 'unanswered':
      throw unavailable(h, s.reason);
  }
}

/** Records the cancel; a record made final meanwhile (a webhook's truth) is answered instead. */
async function canceled(h: Held, reason: string): Promise<CancelPaymentResult> {
  const r = await write(h, { status: PaymentStatus.canceled });
  const stored = r.final?.status ?? (r.written ? PaymentStatus.canceled : null);
  if (stored === null) throw unavailable(h, 'another call took the payment over; cancel again');
  if (stored !== PaymentStatus.canceled) {
    throw new PaymentNotCancelableError(h.transactionId, stored, 'settled meanwhile');
  }
  if (r.written) {
    const { transactionId, record, caller } = h;
    h.deps.events?.({
      type: 'payment.canceled',
      severity: 'INFO',
      transactionId,
      uid: record.uid,
      canceledBy: caller.uid,
      reason,
    });
  }
  return { transactionId: h.transactionId, status: PaymentStatus.canceled };
}

/**
 * The provider charged (or declined) the payment before any cancel: that is
 * the money's truth, recorded, and the cancel refused naming it. A charge for
 * another amount or currency is never this payment's outcome: counted as a
 * mismatch, the record left unknown for a person.
 */
async function refuseCharged(h: Held, charge: Charge): Promise<never> {
  const s = settle({ kind: 'found', charge }, h.req, null, 0);
  if (s.kind === 'mismatch') {
    const { transactionId, deps } = h;
    const found = { amount: charge.amount, currency: charge.currency };
    deps.events?.({
      type: 'payment.charge_mismatch',
      severity: 'ERROR',
      transactionId,
      chargeId: charge.chargeId,
      expected: s.expected,
      found,
    });
    await deps.ledger.countIncident('mismatches');
    await write(h, { status: PaymentStatus.unknown, error: unknownError(s) });
    const why = `the provider holds charge ${charge.chargeId} for another amount or currency; a person must look`;
    throw new PaymentNotCancelableError(transactionId, PaymentStatus.unknown, why);
  }
  const status = charge.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined;
  const r = await write(h, {
    status,
    chargeId: charge.chargeId,
    ...(charge.kind === 'declined' ? { declineCode: charge.declineCode } : {}),
  });
  const stored = r.final?.status ?? status;
  const why = stored === PaymentStatus.succeeded ? 'charged' : 'final';
  throw new PaymentNotCancelableError(h.transactionId, stored, why);
}

/** The provider could not answer: the record is given back as it was. */
function unavailable(h: Held, reason: string): AppError<ErrorCode> {
  const status = restoredStatus(h.record);
  return new AppError<ErrorCode>(
    ProductErrorCode.PAYMENT_UNAVAILABLE,
    `The payment service could not cancel transaction ${h.transactionId} (${reason}); it is unchanged (${status}). Retry later.`,
    { details: { transactionId: h.transactionId, status } },
  );
}

/** A dead call's `pending` goes back as `unknown` (what reconciliation would make of it); others as they were. */
const restoredStatus = (r: PaymentRecord) => (r.status === PaymentStatus.pending ? PaymentStatus.unknown : r.status);

/** Releases the claim with the record's status, error and settle window as they were. */
function restore(h: Held) {
  const { record } = h;
  return write(h, { status: restoredStatus(record), ...(record.error ? { error: record.error } : {}) });
}

/**
 * Writes an outcome under the cancel's claim, keeping the record's attempts and the start of its settle window;
 * a status other systems hear of, written over another, is told as `payment.settled`.
 */
async function write(h: Held, outcome: Omit<PaymentOutcome, 'attempts' | 'openAttemptAt'>) {
  const { record, transactionId } = h;
  // A dead call's lease (pending) and records of older versions (no openAttemptAt) keep the window they were judged by.
  const keepWindow = record.status === PaymentStatus.pending || record.openAttemptAt === undefined;
  const openAttemptAt = keepWindow ? settleFromOf(record) : record.openAttemptAt;
  const history = { actor: userActor(h.caller.uid), type: PaymentHistoryEventType.cancelDecided };
  const r = await h.deps.ledger.finalize(transactionId, h.claimId, {
    ...{ ...outcome, attempts: record.attempts, openAttemptAt },
    history,
  });
  const settled = settledEvent(transactionId, record, outcome, r, SettledBy.cancel, record.status);
  if (settled) h.deps.events?.(settled);
  return r;
}
