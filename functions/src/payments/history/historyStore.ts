/**
 * A payment's history in Firestore: `payments/{transactionId}/events/{id}`,
 * written only inside the commit of the change each event records (a
 * transaction or a batch of the ledger) and never updated or deleted;
 * firestore.rules keep clients out. Each document holds the event; its
 * create time is the commit's server time, which orders events of one
 * millisecond by commit. That time is not stored as a field: a document
 * created once and never updated already has it, while a server-time
 * transform per event was the costliest part of the payment's commits
 * (measured on the Firestore emulator: about 0.3 ms of its CPU per event).
 * Events written while the field existed hold `committedAt`, the same time.
 */
import type { Timestamp } from 'firebase-admin/firestore';
import type { PaymentHistoryEvent } from '../../api/index.js';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { byHistoryOrder } from './historyEvents.js';

/** The subcollection of a payment's events. */
export const EVENTS = 'events';

/** Most events read for one payment (a payment has tens). */
const MAX_EVENTS = 1000;

/** What writes an event: a transaction or a batch (both have `create`). */
interface Writer {
  create(ref: FirebaseFirestore.DocumentReference, data: FirebaseFirestore.DocumentData): unknown;
}

/** Adds `events` of the payment at `payment` (its document) to the commit of `writer`. */
export function appendEvents(
  writer: Writer,
  payment: FirebaseFirestore.DocumentReference,
  events: readonly PaymentHistoryEvent[] | undefined,
): void {
  for (const e of events ?? []) {
    writer.create(payment.collection(EVENTS).doc(e.id), { ...e });
  }
}

/** The events of a payment, oldest first; empty for an unknown payment. */
export async function listEvents(runQuery: RunQuery, transactionId: string): Promise<PaymentHistoryEvent[]> {
  const snap = await runQuery(
    (db) => db.collection('payments').doc(transactionId).collection(EVENTS).limit(MAX_EVENTS).get(),
    'payments.listEvents',
    { readOnly: true },
  );
  return snap.docs
    .map((d) => {
      const { committedAt, ...event } = d.data() as PaymentHistoryEvent & { committedAt?: Timestamp };
      return { event, commit: (committedAt ?? d.createTime).toMillis() };
    })
    .sort(byHistoryOrder)
    .map((e) => e.event);
}
