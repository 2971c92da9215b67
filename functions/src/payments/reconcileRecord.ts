import { PaymentHistoryEventType, PaymentStatus, SettledBy, type ReconcileReport } from '../api/index.js';
import { lookupDraft } from './history/callHistory.js';
import type { HistoryDraft } from './history/historyEvents.js';
import { cancelFirst, type AfterCancel } from './cancelFirst.js';
import { settleFromOf } from './ledger/ledgerRules.js';
import type { FinalizeResult, PaymentLedger, PaymentOutcome, PaymentRecord } from './ledger/paymentLedger.js';
import type { ReconcileEventSink } from './paymentEvents.js';
import { settledEvent } from './paymentSettled.js';
import { requestOfRecord } from './paymentRequest.js';
import type { Charge, PaymentProvider } from './provider/paymentProvider.js';
import { settle, settleCharge, unknownError, type Settlement } from './settlement.js';

/** Waiting for the customer: reconciliation checks them with backoff and cancels them past PAYMENT_ACTION_TIMEOUT_MS. */
export const CUSTOMER_WAITING: readonly PaymentStatus[] = [
  PaymentStatus.requiresAction,
  PaymentStatus.requiresPaymentMethod,
];

/** What settling one record needs. */
export interface RecordDeps {
  ledger: PaymentLedger;
  provider: PaymentProvider;
  settleMs: number;
  /** [PAYMENT_ACTION_TIMEOUT_MS] */
  actionTimeoutMs: number;
  /** Deadline of each provider request, ms. */
  requestMs: number;
  emit: ReconcileEventSink;
  now: () => number;
}

/** The counts of a report one record may raise. */
type Counts = Pick<ReconcileReport, 'charged' | 'notCharged' | 'stillUnknown' | 'waiting' | 'mismatches'>;

/**
 * True when a record waiting for the customer is due for a check: past
 * PAYMENT_ACTION_TIMEOUT_MS since it was created (then it is canceled), or
 * unchecked for as long as it had been waiting when last checked (the gaps
 * double, so abandoned payments do not crowd out those that may be charged).
 */
export function dueForCheck(record: PaymentRecord, now: number, actionTimeoutMs: number): boolean {
  if (!CUSTOMER_WAITING.includes(record.status)) return true;
  if (now - record.createdAt >= actionTimeoutMs) return true;
  return now - record.updatedAt >= record.updatedAt - record.createdAt;
}

/**
 * Settles one claimed record from the provider: a payment waiting for the
 * customer past PAYMENT_ACTION_TIMEOUT_MS is canceled first; otherwise a
 * verified lookup decides (found -> succeeded/declined, waiting -> its status,
 * canceled -> canceled), and "not found after the settle window" is written
 * only once the provider's own payment is canceled (cancelFirst.ts). Counts
 * what it wrote into `report`.
 */
export async function settleRecord(
  deps: RecordDeps,
  transactionId: string,
  claimId: string,
  record: PaymentRecord,
  report: Counts,
): Promise<void> {
  const { ledger, provider, now } = deps;
  const req = requestOfRecord(transactionId, record);
  const ref = record.providerRef ?? transactionId;
  const settleFrom = settleFromOf(record);
  // Records of older versions get the window they were judged by, so later writes do not move it.
  const base = {
    attempts: record.attempts,
    openAttemptAt: record.openAttemptAt === undefined ? settleFrom : record.openAttemptAt,
  };
  // The lookup's answer goes into the history with the decision it led to.
  const drafts: HistoryDraft[] = [];
  const write = async (outcome: Omit<PaymentOutcome, 'attempts' | 'openAttemptAt'>) => {
    const history = { type: PaymentHistoryEventType.reconcileDecided, drafts };
    const r = await ledger.finalize(transactionId, claimId, { ...base, ...outcome, history });
    const settled = settledEvent(transactionId, record, outcome, r, SettledBy.reconcile, record.status);
    if (settled) deps.emit(settled);
    await lateSuccess(deps, transactionId, r, outcome.chargeId);
  };
  const abandoned = CUSTOMER_WAITING.includes(record.status) && now() - record.createdAt >= deps.actionTimeoutMs;
  if (abandoned) {
    const after = await cancelFirst(provider, ref, req, 'abandoned', deps.requestMs);
    if (after.kind === 'charged')
      return writeSettlement(deps, transactionId, settleCharge(after.charge, req), write, report);
    const waiting =
      record.status === PaymentStatus.requiresAction ? record.status : PaymentStatus.requiresPaymentMethod;
    if (after.kind !== 'no-cancel') return writeAfterCancel(after, waiting, write, report);
  }
  const look = await provider.lookup(ref, req, deps.requestMs);
  drafts.push(lookupDraft(look, now()));
  const s = settle(look, req, settleFrom === null ? null : settleFrom + deps.settleMs, now());
  if (s.kind === 'not-charged') {
    const after = await cancelFirst(provider, ref, req, 'unknown', deps.requestMs);
    if (after.kind === 'charged')
      return writeSettlement(deps, transactionId, settleCharge(after.charge, req), write, report);
    if (after.kind !== 'no-cancel') return writeAfterCancel(after, PaymentStatus.unknown, write, report);
    const error = { code: 'NOT_CHARGED', message: 'not found at the provider after the settle window' };
    await write({ status: PaymentStatus.failed, error });
    report.notCharged++;
    return;
  }
  return writeSettlement(deps, transactionId, s, write, report);
}

type Write = (outcome: Omit<PaymentOutcome, 'attempts' | 'openAttemptAt'>) => Promise<void>;

/** Writes what a lookup settled (anything but "not charged"). */
async function writeSettlement(
  deps: RecordDeps,
  transactionId: string,
  s: Exclude<Settlement, { kind: 'not-charged' }>,
  write: Write,
  report: Counts,
): Promise<void> {
  if (s.kind === 'charged') {
    await write(chargeOutcome(s.charge));
    report.charged++;
  } else if (s.kind === 'pending') {
    await write({ status: s.state });
    report.waiting++;
  } else if (s.kind === 'canceled') {
    await write({ status: PaymentStatus.canceled });
    report.notCharged++;
  } else {
    if (s.kind === 'mismatch') {
      report.mismatches++;
      const { chargeId } = s.charge;
      deps.emit({ type: 'payment.charge_mismatch', severity: 'ERROR', transactionId, chargeId, source: 'reconcile' });
      await deps.ledger.countIncident('mismatches');
    }
    await write({ status: PaymentStatus.unknown, error: unknownError(s) });
    report.stillUnknown++;
  }
}

/** Writes what a cancel left (not a charge); `open` keeps `unchanged` (unknown, or the waiting status the record had). */
async function writeAfterCancel(
  after: Exclude<AfterCancel, { kind: 'no-cancel' | 'charged' }>,
  unchanged: PaymentOutcome['status'],
  write: Write,
  report: Counts,
): Promise<void> {
  if (after.kind === 'not-charged') {
    const error = { code: 'NOT_CHARGED', message: 'canceled at the provider: it can never be charged' };
    await write({ status: after.status, ...(after.status === PaymentStatus.canceled ? {} : { error }) });
    report.notCharged++;
  } else if (after.kind === 'waiting') {
    await write({ status: after.status });
    report.waiting++;
  } else {
    const error = { code: 'CANCEL_UNAVAILABLE', message: after.reason };
    await write({ status: unchanged, ...(unchanged === PaymentStatus.unknown ? { error } : {}) });
    if (unchanged === PaymentStatus.unknown) report.stillUnknown++;
    else report.waiting++;
  }
}

function chargeOutcome(c: Charge): Omit<PaymentOutcome, 'attempts'> {
  return {
    status: c.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined,
    chargeId: c.chargeId,
    ...(c.kind === 'declined' ? { declineCode: c.declineCode } : {}),
  };
}

/** Money wins: a success written over "not charged" is logged at ERROR and counted. */
async function lateSuccess(
  deps: RecordDeps,
  transactionId: string,
  r: FinalizeResult,
  chargeId: string | undefined,
): Promise<void> {
  if (!r.lateSuccessOver) return;
  const stored = r.lateSuccessOver;
  deps.emit({ type: 'payment.late_success', severity: 'ERROR', transactionId, stored, chargeId, source: 'reconcile' });
  await deps.ledger.countIncident('lateSuccesses');
}
