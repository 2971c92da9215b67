/**
 * Building a payment's history events (api/history.ts) as the ledger's rules
 * write them: pure, like the rules (ledger/ledgerRules.ts), so a step that
 * runs again (a retried transaction) builds the same events. An event's id
 * sorts the events by time, then by their order in one commit.
 */
import { createHash } from 'node:crypto';
import type {
  HistoryActor,
  HistoryDetails,
  PaymentHistoryEvent,
  PaymentHistoryEventType,
  PaymentStatus,
} from '../../api/index.js';
import { functionName, instanceId } from '../../observability/logs/instance.js';

/** An event before the ledger places it: what happened and when, without the record's statuses. */
export interface HistoryDraft {
  type: PaymentHistoryEventType;
  /** When it happened; the commit's time when absent. */
  at?: number;
  reason?: string | null;
  details?: HistoryDetails;
}

/** Who a write is by and what its main event is called: given by the caller of a ledger method. */
export interface HistoryNote {
  actor?: HistoryActor;
  /** The type of the event recording the write's status change (each method has its default). */
  type?: PaymentHistoryEventType;
  /** Events that happened before the write and are recorded with it (a call's attempts and lookups). */
  drafts?: readonly HistoryDraft[];
  details?: HistoryDetails;
}

/** The payer or an admin, signed in. */
export const userActor = (uid: string): HistoryActor => ({ kind: 'user', uid });

/** This function instance, acting on its own (reconciliation, a webhook). */
export const functionActor = (): HistoryActor => ({ kind: 'function', name: functionName(), instance: instanceId });

/** Width of the zero-padded time in an event id: epoch ms sort as text. */
const AT_WIDTH = 15;

/**
 * The events one commit appends: `context` (what happened before the commit
 * and is recorded with it: a call's attempts and lookups; the record's status
 * unchanged by them), then `changes` (the record moving from `before` to
 * `after`). `writer` names the commit (a claim id and the step), so ids of
 * different commits differ.
 */
export function historyEvents(
  writer: string,
  actor: HistoryActor,
  context: readonly HistoryDraft[],
  changes: readonly HistoryDraft[],
  before: PaymentStatus | null,
  after: PaymentStatus,
  now: number,
): PaymentHistoryEvent[] {
  const tag = createHash('sha256').update(writer).digest('hex').slice(0, 12);
  const held = before ?? after;
  const placed = [
    ...context.map((d) => ({ d, from: held, to: held })),
    ...changes.map((d) => ({ d, from: before, to: after })),
  ];
  return placed.map(({ d, from, to }, i) => {
    const at = d.at ?? now;
    return {
      id: `${String(at).padStart(AT_WIDTH, '0')}-${tag}-${String(i).padStart(3, '0')}`,
      ...{ at, type: d.type, actor, statusBefore: from, statusAfter: to },
      ...{ reason: d.reason ?? null, details: d.details ?? {} },
    };
  });
}

/** Oldest first: by time, then by commit (`commit`: its order, when known), then by place in the commit. */
export function byHistoryOrder<E extends { event: PaymentHistoryEvent; commit: number }>(a: E, b: E): number {
  return a.event.at - b.event.at || a.commit - b.commit || (a.event.id < b.event.id ? -1 : 1);
}
