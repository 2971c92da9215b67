/**
 * The fleet's incident timeline of the last hour, from what the fleet already
 * publishes: every instance's snapshot in `instances/*` (its IncidentLog),
 * the fleet breakers in `breakers/*` (a breaker left open by an instance that
 * is gone still shows) and the ledger's `unknown` payments. Reads only.
 */
import { BreakerState, IncidentKind, PaymentStatus, type IncidentEvent, type IncidentTimeline } from '../api/index.js';
import type { QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { eachShard, mergeShards } from '../payments/ledger/paymentShards.js';
import { parseBreakerDoc } from '../resilience/breaker/breakerStoreFirestore.js';
import type { RunQuery } from '../resilience/query/runQuery.js';
import { INCIDENT_WINDOW_MS } from './incidentLog.js';
import { INSTANCES, MAX_INSTANCE_SNAPSHOTS, type InstanceSnapshot } from './instanceStats.js';

/** Most events one answer carries (newest kept). */
export const MAX_TIMELINE_EVENTS = 200;
/** Most unknown payments listed (oldest first in the window: those waited longest). */
const MAX_UNKNOWN = 50;
/** Breaker documents read at most: one per protected service (a handful), bounded against stray documents. */
const MAX_BREAKERS = 100;

/** The parts of a ledger record the timeline reads. */
interface UnknownRecord {
  createdAt: number;
  attempts?: number;
}

/** Reads the three sources and merges them, newest first. */
export async function incidentTimeline(runQuery: RunQuery, now = Date.now()): Promise<IncidentTimeline> {
  const since = now - INCIDENT_WINDOW_MS;
  const [instances, breakers, unknownPages] = await Promise.all([
    runQuery(
      (db) =>
        db
          .collection(INSTANCES)
          .where('updatedAt', '>', since)
          .orderBy('updatedAt', 'desc')
          .limit(MAX_INSTANCE_SNAPSHOTS)
          .get(),
      'incidents.instances',
      {
        readOnly: true,
      },
    ),
    runQuery((db) => db.collection('breakers').limit(MAX_BREAKERS).get(), 'incidents.breakers', { readOnly: true }),
    runQuery(
      (db) =>
        eachShard((shard) =>
          db
            .collection('payments')
            .where('shard', '==', shard)
            .where('status', '==', PaymentStatus.unknown)
            .where('createdAt', '>', since)
            .orderBy('createdAt')
            .limit(MAX_UNKNOWN),
        ),
      'incidents.unknownPayments',
      { readOnly: true },
    ),
  ]);
  const createdAt = (d: QueryDocumentSnapshot) => (d.data() as UnknownRecord).createdAt;
  const unknown = mergeShards(unknownPages, (a, b) => createdAt(a) - createdAt(b), MAX_UNKNOWN);
  const events: IncidentEvent[] = instances.docs.flatMap((d) =>
    ((d.data() as Partial<InstanceSnapshot>).incidents ?? []).filter((e) => e.at > since && e.at <= now),
  );
  for (const doc of breakers.docs) {
    const b = parseBreakerDoc(doc.data());
    if (!b || b.state === BreakerState.closed || b.openedAt === null) continue;
    const opened = b.openedAt;
    const seen = events.some(
      (e) => e.kind === IncidentKind.breakerTransition && e.subject === doc.id && e.at >= opened - 1000,
    );
    if (!seen) {
      events.push({
        at: opened,
        kind: IncidentKind.breakerTransition,
        subject: doc.id,
        summary: `${b.state} since then (fleet record; the instance that opened it published nothing since)`,
        count: 1,
        instanceId: null,
      });
    }
  }
  for (const doc of unknown) {
    const r = doc.data() as UnknownRecord;
    events.push({
      at: r.createdAt,
      kind: IncidentKind.unknownPayment,
      subject: doc.id,
      summary: `outcome unknown after ${r.attempts ?? 0} attempt(s): maybe charged, reconciliation settles it`,
      count: 1,
      instanceId: null,
    });
  }
  events.sort((a, b) => b.at - a.at);
  return {
    at: now,
    since,
    events: events.slice(0, MAX_TIMELINE_EVENTS),
    truncated: events.length > MAX_TIMELINE_EVENTS || unknown.length >= MAX_UNKNOWN,
  };
}
