import { FieldPath, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { LEDGER_STATS, PAYMENTS } from './firestoreLedger.js';
import { shardOf } from './paymentShards.js';

/** Firestore's limit of writes in one batched write. */
export const MAX_BATCH_WRITES = 500;
/** Payments read (and at most updated) per page: with the progress document, one batch stays within the limit. */
export const BACKFILL_PAGE = 400;
/** Where the backfill keeps its cursor and counts, so an interrupted run resumes (`ledgerStats/shardBackfill`). */
export const BACKFILL_PROGRESS = 'shardBackfill';

/** Where a backfill stands: the last document id done (null before the first page) and its counts so far. */
export interface BackfillProgress {
  after: string | null;
  scanned: number;
  updated: number;
  done: boolean;
}

/** A fresh run's progress. */
export const START: BackfillProgress = { after: null, scanned: 0, updated: 0, done: false };

/**
 * The `shard` each document of a page must get: those whose stored shard is
 * missing or not `shardOf(id)` (a record written before the field existed).
 */
export function shardRepairs(page: readonly { id: string; shard: unknown }[]): { id: string; shard: number }[] {
  return page.flatMap(({ id, shard }) => (shard === shardOf(id) ? [] : [{ id, shard: shardOf(id) }]));
}

/** The progress after a page of `pageSize` requested documents, `read` of them read and `updated` repaired. */
export function nextProgress(
  prev: BackfillProgress,
  read: readonly { id: string }[],
  updated: number,
  pageSize: number,
): BackfillProgress {
  return {
    after: read.at(-1)?.id ?? prev.after,
    scanned: prev.scanned + read.length,
    updated: prev.updated + updated,
    done: read.length < pageSize,
  };
}

/** Where a run starts: the stored progress of an interrupted run, else from the beginning. */
export function resumeFrom(stored: DocumentData | undefined): BackfillProgress {
  if (!stored || stored.done !== false || (typeof stored.after !== 'string' && stored.after !== null)) return START;
  const count = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0);
  return {
    after: stored.after as string | null,
    scanned: count(stored.scanned),
    updated: count(stored.updated),
    done: false,
  };
}

/** Options of one backfill run. */
export interface BackfillOptions {
  /** Documents per page (1 to BACKFILL_PAGE). */
  pageSize?: number;
  /** Stop after this many pages (the progress stays stored: the next run resumes). */
  maxPages?: number;
  /** Called after each committed page. */
  onPage?: (progress: BackfillProgress) => void;
  now?: () => number;
}

/**
 * Sets `shard` = shardOf(transactionId) on every `payments` document whose
 * shard is missing or wrong, so the sharded scans, health and incident
 * timeline see it (docs/deploy.md). Reads the collection in document-id order,
 * only the `shard` field; each page's updates and the new cursor are one
 * batch, so an interrupted run resumes after its last committed page and
 * re-running is harmless. An update fails on a vanished document, failing
 * that page only: the run stops and the next one retries it.
 */
export async function backfillShards(db: Firestore, options: BackfillOptions = {}): Promise<BackfillProgress> {
  const pageSize = options.pageSize ?? BACKFILL_PAGE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > BACKFILL_PAGE) {
    throw new Error(`pageSize must be an integer from 1 to ${BACKFILL_PAGE}, got ${pageSize}`);
  }
  const now = options.now ?? Date.now;
  const progressRef = db.collection(LEDGER_STATS).doc(BACKFILL_PROGRESS);
  let progress = resumeFrom((await progressRef.get()).data());
  for (let pages = 0; !progress.done && pages < (options.maxPages ?? Infinity); pages++) {
    let query = db.collection(PAYMENTS).orderBy(FieldPath.documentId()).select('shard').limit(pageSize);
    if (progress.after !== null) query = query.startAfter(progress.after);
    const docs = (await query.get()).docs.map((d) => ({ id: d.id, shard: d.get('shard') as unknown }));
    const repairs = shardRepairs(docs);
    progress = nextProgress(progress, docs, repairs.length, pageSize);
    const batch = db.batch();
    for (const { id, shard } of repairs) batch.update(db.collection(PAYMENTS).doc(id), { shard });
    batch.set(progressRef, { ...progress, at: now() });
    await batch.commit();
    options.onPage?.(progress);
  }
  return progress;
}
