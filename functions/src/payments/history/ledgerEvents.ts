/**
 * The history events of each ledger step (ledger/ledgerRules.ts,
 * ledger/cancelRules.ts), added around the pure step so every adapter, and
 * each of its fast paths, appends the same events in the commit of the
 * step's write. A step that writes nothing appends nothing.
 */
import { PaymentHistoryEventType as H, type HistoryActor, type HistoryDetails } from '../../api/index.js';
import type { LedgerStep } from '../ledger/ledgerRules.js';
import type { CancelCaller, FinalizeResult, PaymentOutcome, PaymentRecord } from '../ledger/paymentLedger.js';
import { functionActor, historyEvents, userActor, type HistoryDraft, type HistoryNote } from './historyEvents.js';

/** `step` with the events of its write: `context` as it was, then `changes` moving the record's status. */
export function withEvents<S extends LedgerStep<unknown>>(
  step: S,
  before: PaymentRecord | undefined,
  writer: string,
  actor: HistoryActor,
  context: readonly HistoryDraft[],
  changes: readonly HistoryDraft[],
  now: number,
): S {
  const w = step.write;
  if (w.kind === 'none') return step;
  const after = w.kind === 'create' ? w.record.status : (w.fields.status ?? before?.status);
  if (!after) return step;
  return { ...step, events: historyEvents(writer, actor, context, changes, before?.status ?? null, after, now) };
}

/** A `processPayment` claim: `claimed`, by the payer. */
export function claimWithEvents<S extends LedgerStep<unknown>>(
  step: S,
  before: PaymentRecord | undefined,
  uid: string,
  claimId: string,
  now: number,
): S {
  const claimed = { type: H.claimed, details: { attempts: before?.attempts ?? 0 } };
  return withEvents(step, before, `claim:${claimId}`, userActor(uid), [], [claimed], now);
}

/**
 * A finalize: the writer's earlier events (a call's attempts and lookups),
 * its outcome (type and actor from `outcome.history`; reason: `final` or
 * `final-conflict` when it met a final record, else the outcome's error or
 * decline code), then `late_success` when money wins.
 */
export function finalizeWithEvents<S extends LedgerStep<FinalizeResult>>(
  step: S,
  before: PaymentRecord | undefined,
  claimId: string,
  outcome: PaymentOutcome,
  now: number,
): S {
  const note = outcome.history ?? {};
  const r = step.result;
  const met = r.final ? (r.conflict ? 'final-conflict' : 'final') : null;
  const reason = met ?? outcome.error?.code ?? outcome.declineCode ?? null;
  const charge: HistoryDetails = outcome.chargeId ? { chargeId: outcome.chargeId } : {};
  const details = { attempts: outcome.attempts, ...charge, ...note.details };
  const main = { type: note.type ?? H.outcomeRecorded, reason, details };
  const late = r.lateSuccessOver ? [{ type: H.lateSuccess, reason: r.lateSuccessOver, details: charge }] : [];
  const actor = note.actor ?? functionActor();
  return withEvents(step, before, `finalize:${claimId}`, actor, note.drafts ?? [], [main, ...late], now);
}

/** A claim for resolution: `reconcile.claimed` by this function, unless `note` says otherwise (a webhook). */
export function resolutionWithEvents<S extends LedgerStep<unknown>>(
  step: S,
  before: PaymentRecord | undefined,
  claimId: string,
  note: HistoryNote,
  now: number,
): S {
  const claimed = { type: note.type ?? H.reconcileClaimed, details: note.details ?? {} };
  return withEvents(step, before, `resolve:${claimId}`, note.actor ?? functionActor(), [], [claimed], now);
}

/** A cancel's claim: `cancel.claimed`, by its caller. */
export function cancelWithEvents<S extends LedgerStep<unknown>>(
  step: S,
  before: PaymentRecord | undefined,
  caller: CancelCaller,
  claimId: string,
  now: number,
): S {
  const claimed = [{ type: H.cancelClaimed, details: { admin: caller.admin } }];
  return withEvents(step, before, `cancel:${claimId}`, userActor(caller.uid), [], claimed, now);
}
