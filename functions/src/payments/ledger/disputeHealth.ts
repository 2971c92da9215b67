import type { LedgerHealth } from '../../api/index.js';
import { NO_EVIDENCE_DEADLINE } from './disputeRules.js';

/** The ledger health's dispute numbers from the open disputes' `openDisputeDueBy` (null/absent: none open). */
export function disputeHealth(
  dueBys: readonly (number | null | undefined)[],
): Pick<LedgerHealth, 'openDisputes' | 'nextEvidenceDueAt'> {
  const open = dueBys.filter((d): d is number => typeof d === 'number');
  const next = Math.min(...open.filter((d) => d !== NO_EVIDENCE_DEADLINE));
  return { openDisputes: open.length, nextEvidenceDueAt: Number.isFinite(next) ? next : null };
}

/**
 * The same in Firestore, from the ledger collection: the open disputes' count and the first deadline,
 * two queries on the single-field index of `openDisputeDueBy` (disputes are few: no sharding needed).
 */
export async function firestoreDisputeHealth(
  payments: FirebaseFirestore.CollectionReference,
): Promise<Pick<LedgerHealth, 'openDisputes' | 'nextEvidenceDueAt'>> {
  const open = payments.where('openDisputeDueBy', '>=', 0);
  const [count, first] = await Promise.all([
    open.count().get(),
    open.where('openDisputeDueBy', '<', NO_EVIDENCE_DEADLINE).orderBy('openDisputeDueBy').limit(1).get(),
  ]);
  const next = first.docs[0]?.get('openDisputeDueBy') as number | undefined;
  return { openDisputes: count.data().count, nextEvidenceDueAt: next ?? null };
}

/** What the metrics say of disputes (the reconciliation metrics): open ones and the time left to the next deadline. */
export function disputeNumbers(
  health: Pick<LedgerHealth, 'openDisputes' | 'nextEvidenceDueAt'>,
  now: number,
): { openDisputes: number; evidenceDueInMs: number | null } {
  const due = health.nextEvidenceDueAt;
  return { openDisputes: health.openDisputes, evidenceDueInMs: due === null ? null : due - now };
}
