import type { LedgerIncident } from '../ledger/paymentLedger.js';
import type { RefundEventSink, RefundSettled } from './refundEvents.js';
import type { RefundFinalizeResult, RefundLedger, RefundOutcome, RefundRecord, RefundTotals } from './refundLedger.js';
import type { ProviderRefund } from './refundProvider.js';

/** What writing a refund's outcome needs. */
export interface RefundWriter {
  ledger: RefundLedger;
  /** Where ledger incidents are counted (the PaymentLedger). */
  incidents: { countIncident(kind: LedgerIncident): Promise<void> };
  emit: RefundEventSink;
}

/** A claimed refund: the record as claimed, the status it had before, its claim, version and the totals it left. */
export interface HeldRefund {
  refund: RefundRecord;
  before: RefundRecord['status'];
  claimId: string;
  version: object | null;
  totals?: RefundTotals;
}

/** `refund.settled` for a written status. */
export function settledEvent(
  r: RefundRecord,
  previous: RefundRecord['status'] | null,
  totals: { refundedAmount: number; pendingRefundAmount: number },
  by: RefundSettled['by'],
): RefundSettled {
  const warn = r.status === 'unknown' || (r.status === 'failed' && previous === 'succeeded');
  return {
    type: 'refund.settled',
    severity: warn ? 'WARNING' : 'INFO',
    transactionId: r.transactionId,
    refundId: r.refundId,
    uid: r.uid,
    status: r.status,
    previous,
    amount: r.amount,
    currency: r.currency,
    providerRefundId: r.providerRefundId,
    source: r.source,
    by,
    ...totals,
    ...(r.failureReason ? { failureReason: r.failureReason } : {}),
  };
}

/**
 * Writes `outcome` under the claim and tells `refund.settled`. A caller that
 * lost its claim but holds the provider's definite word (`definite`) records
 * it as the provider's truth instead (recordProviderRefund), and
 * `refund.claim_lost` is logged; the answer is the refund as it then stands.
 */
export async function writeRefundOutcome(
  w: RefundWriter,
  held: HeldRefund,
  outcome: RefundOutcome,
  by: RefundSettled['by'],
  definite?: ProviderRefund,
): Promise<RefundFinalizeResult> {
  const { refund } = held;
  const expected = { refund, version: held.version, ...(held.totals ? { totals: held.totals } : {}) };
  const r = await w.ledger.finalizeRefund(refund.transactionId, refund.refundId, held.claimId, outcome, expected);
  if (r.written) {
    w.emit(settledEvent(r.refund, held.before, r.totals, by));
    return r;
  }
  w.emit({
    type: 'refund.claim_lost',
    severity: 'ERROR',
    transactionId: refund.transactionId,
    refundId: refund.refundId,
    status: outcome.status,
  });
  if (!definite) return r;
  const truth = await w.ledger.recordProviderRefund(
    refund.transactionId,
    { ...definite, refundId: refund.refundId },
    refund.source,
  );
  const totals = { refundedAmount: truth.refundedAmount, pendingRefundAmount: truth.pendingRefundAmount };
  if (truth.written && truth.refund) w.emit(settledEvent(truth.refund, truth.previous, totals, by));
  return { ...r, refund: truth.refund ?? r.refund, totals };
}

/** Counts and tells a provider refund of another amount or currency than the record's. */
export async function refundMismatchFound(
  w: RefundWriter,
  refund: RefundRecord,
  found: ProviderRefund,
  source: 'call' | 'reconcile',
): Promise<void> {
  w.emit({
    type: 'refund.mismatch',
    severity: 'ERROR',
    transactionId: refund.transactionId,
    refundId: refund.refundId,
    providerRefundId: found.providerRefundId,
    expected: { amount: refund.amount, currency: refund.currency },
    found: { amount: found.amount, currency: found.currency },
    source,
  });
  await w.incidents.countIncident('mismatches');
}
