/**
 * The history events of the refund ledger's steps (api/history.ts), added
 * around each pure step so both adapters append them in the commit of the
 * step's refund write: a claim (`refund.requested`, or
 * `refund.reconcile_claimed` for reconciliation), an outcome
 * (`refund.settled`) and the provider's own word (`refund.recorded`). A
 * refund does not move the payment's status: the refund's statuses are in
 * the details. A step that writes no refund appends nothing.
 */
import {
  PaymentHistoryEventType as H,
  type HistoryActor,
  type HistoryDetails,
  type PaymentStatus,
} from '../../api/index.js';
import { historyEvents } from '../history/historyEvents.js';
import type { RefundRecord } from './refundLedger.js';
import type { RefundStep } from './refundRules.js';

/** Which refund event a step's write records, who made it and which commit it is (its claim id, or its change). */
export interface RefundHistoryNote {
  type: typeof H.refundRequested | typeof H.refundSettled | typeof H.refundRecorded | typeof H.refundReconcileClaimed;
  actor: HistoryActor;
  writer: string;
}

/**
 * `step` with the event of its refund write, the refund as it was (`before`)
 * and as written; the payment's status (unchanged by a refund) as both
 * statuses. No event without a payment or without a refund write. Only ids,
 * amounts, statuses and codes go in: no person's data, nothing secret.
 */
export function withRefundEvents<S extends RefundStep<unknown>>(
  step: S,
  paymentStatus: PaymentStatus | undefined,
  before: RefundRecord | undefined,
  note: RefundHistoryNote,
  now: number,
): S {
  const w = step.write;
  if (w.kind === 'none' || !paymentStatus || (w.kind === 'update' && !before)) return step;
  const after: RefundRecord = w.kind === 'create' ? w.record : { ...before!, ...w.fields };
  const details: HistoryDetails = {
    refundId: after.refundId,
    amount: after.amount,
    currency: after.currency,
    refundStatusBefore: before?.status ?? null,
    refundStatus: after.status,
    source: after.source,
    providerRefundId: after.providerRefundId,
  };
  const reason = after.status === 'pending' ? null : (after.error?.code ?? after.failureReason ?? null);
  const event = { type: note.type, reason, details };
  const events = historyEvents(note.writer, note.actor, [], [event], paymentStatus, paymentStatus, now);
  return { ...step, events };
}
