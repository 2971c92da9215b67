/**
 * The ledger's rule for a payment's dispute (chargeback), as Stripe's
 * `charge.dispute.*` events tell it: a pure step like the rules of
 * ledgerRules.ts, applied by every PaymentLedger (ruleLedger.ts). The record
 * keeps the dispute as Stripe last said it (`dispute`), when that event
 * happened (`disputeEventAt`), and while it is open its evidence deadline
 * (`openDisputeDueBy`, for the ledger health). Events may arrive out of order
 * or twice: an older event changes nothing, a closed dispute is never
 * reopened, and a repeat of what the record holds is written only when it
 * says something new (funds withdrawn or reinstated). The payment's status is
 * never touched: a dispute does not undo the charge, it is a claim against it.
 */
import {
  CLOSED_DISPUTE_STATUSES,
  PaymentHistoryEventType as H,
  type HistoryDetails,
  type PaymentDispute,
  type PaymentHistoryEventType,
} from '../../api/index.js';
import { functionActor, historyEvents } from '../history/historyEvents.js';
import type { LedgerStep } from './ledgerRules.js';
import type { PaymentRecord } from './paymentLedger.js';
import type { DisputeApplied, DisputeChange } from './disputeChange.js';

export type { DisputeApplied, DisputeChange } from './disputeChange.js';

/** `openDisputeDueBy` of an open dispute without an evidence deadline: after every real one. */
export const NO_EVIDENCE_DEADLINE = Number.MAX_SAFE_INTEGER;

/** True when Stripe's dispute status says it is over. */
export const isClosed = (d: PaymentDispute): boolean => CLOSED_DISPUTE_STATUSES.includes(d.status);

/** The dispute rule (see the module comment); `now` is the commit's time. */
export function disputeStep(
  record: PaymentRecord | undefined,
  change: DisputeChange,
  now: number,
): LedgerStep<DisputeApplied> {
  const none = (kind: 'stale' | 'unchanged' | 'no-record') => ({ write: { kind: 'none' as const }, result: { kind } });
  if (!record) return none('no-record');
  const d = change.dispute;
  const held = record.dispute?.id === d.id ? record.dispute : undefined;
  const same = held !== undefined;
  if (held && (record.disputeEventAt ?? 0) > change.eventAt) return none('stale');
  if (held && isClosed(held) && !isClosed(d)) return none('stale');
  const nothingNew =
    held &&
    !change.funds &&
    held.status === d.status &&
    held.amount === d.amount &&
    held.reason === d.reason &&
    held.evidenceDueBy === d.evidenceDueBy;
  if (nothingNew) return none('unchanged');
  // Closed once: a later event of a closed dispute (funds reinstated after a win) is an update.
  const wasClosed = held !== undefined && isClosed(held);
  const kind: 'opened' | 'updated' | 'closed' = isClosed(d) && !wasClosed ? 'closed' : same ? 'updated' : 'opened';
  const type: PaymentHistoryEventType =
    kind === 'opened' ? H.disputeOpened : kind === 'closed' ? H.disputeClosed : H.disputeUpdated;
  const fields: Partial<PaymentRecord> = {
    dispute: { ...d },
    disputeEventAt: Math.max(change.eventAt, same ? (record.disputeEventAt ?? 0) : 0),
    openDisputeDueBy: isClosed(d) ? null : (d.evidenceDueBy ?? NO_EVIDENCE_DEADLINE),
  };
  const details: HistoryDetails = {
    ...{ disputeId: d.id, disputeStatus: d.status, amount: d.amount, evidenceDueBy: d.evidenceDueBy },
    ...{ eventId: change.eventId, eventType: change.eventType },
    ...(change.funds ? { funds: change.funds } : {}),
  };
  const draft = { type, reason: kind === 'closed' ? d.status : d.reason, details };
  const events = historyEvents(
    `dispute:${change.eventId}`,
    functionActor(),
    [],
    [draft],
    record.status,
    record.status,
    now,
  );
  const result = { kind, dispute: d, uid: record.uid, currency: record.currency };
  return { write: { kind: 'update', fields }, result, events };
}
