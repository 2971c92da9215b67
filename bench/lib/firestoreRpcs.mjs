// Counts the Firestore round trips of one firebase-admin Firestore client: every
// RPC it sends (commit, batchGetDocuments, runQuery, beginTransaction, rollback...)
// goes through the client's two request funnels, request() and requestStream()
// (@google-cloud/firestore, internal but stable across v7-v9), which are wrapped
// here on the instance. Each RPC is recorded with the documents it names, so
// counts are by path, by collection and by document, measured rather than estimated.

/** `projects/p/databases/d/documents/payments/x` -> `payments/x`. */
function docPath(name) {
  const i = name.indexOf('/documents/');
  return i === -1 ? name : name.slice(i + '/documents/'.length);
}

/** What one RPC did: kind, whether it belonged to a transaction, and the documents it read or wrote. */
function describe(method, req) {
  const inTx = Boolean(req?.transaction || req?.newTransaction || req?.options?.readWrite || req?.options?.readOnly);
  if (method === 'commit') {
    const docs = (req.writes ?? []).map((w) => docPath(w.update?.name ?? w.delete ?? w.transform?.document ?? '?'));
    return { method, kind: 'write', transaction: Boolean(req.transaction), writes: docs, reads: [] };
  }
  if (method === 'batchGetDocuments') {
    return { method, kind: 'read', transaction: inTx, reads: (req.documents ?? []).map(docPath), writes: [] };
  }
  if (method === 'runQuery' || method === 'runAggregationQuery') {
    const q = req.structuredQuery ?? req.structuredAggregationQuery?.structuredQuery;
    const collection = q?.from?.[0]?.collectionId ?? '?';
    return { method, kind: 'query', transaction: inTx, reads: [`${collection}/(query)`], writes: [] };
  }
  return {
    method,
    kind: 'other',
    transaction: method === 'beginTransaction' || method === 'rollback' || inTx,
    reads: [],
    writes: [],
  };
}

/** Wraps `db` (a firebase-admin Firestore) so every RPC it sends is recorded in the returned log. */
export function countRpcs(db) {
  const log = { rpcs: [] };
  const record = (method, req) => {
    const entry = { ...describe(method, req), at: Date.now(), code: null };
    log.rpcs.push(entry);
    return entry;
  };
  // A commit's outcome (its gRPC status code when refused, e.g. 9 FAILED_PRECONDITION, 6 ALREADY_EXISTS), recorded
  // on the side: the caller still gets the RPC's own promise, its rejection included.
  const outcome = (entry, promise) => {
    if (entry.method === 'commit' && typeof promise?.then === 'function')
      promise.then(
        () => {},
        (err) => (entry.code = err?.code ?? 'error'),
      );
    return promise;
  };
  const request = db.request.bind(db);
  const requestStream = db.requestStream.bind(db);
  if (typeof request !== 'function' || typeof requestStream !== 'function')
    throw new Error(
      '@google-cloud/firestore no longer has request()/requestStream(): update bench/lib/firestoreRpcs.mjs',
    );
  db.request = (method, req, ...rest) => outcome(record(method, req), request(method, req, ...rest));
  db.requestStream = (method, bidi, req, ...rest) => (record(method, req), requestStream(method, bidi, req, ...rest));
  /** RPCs recorded since `mark` (an index from `log.rpcs.length`). */
  log.since = (mark) => log.rpcs.slice(mark);
  return log;
}

/**
 * The collection of a document path without its document ids (`payments/x` -> `payments`,
 * `payments/x/events/y` -> `payments/events`): a subcollection is counted apart from its parent.
 */
export const collectionOf = (path) =>
  path
    .split('/')
    .filter((_, i) => i % 2 === 0)
    .join('/');

/** Totals of a list of RPCs: round trips, document reads/writes, transactions, by collection. */
export function tally(rpcs) {
  const t = { roundTrips: rpcs.length, reads: 0, writes: 0, txRpcs: 0, queries: 0, byCollection: {} };
  for (const r of rpcs) {
    if (r.transaction) t.txRpcs++;
    if (r.kind === 'query') t.queries++;
    for (const d of r.reads) {
      t.reads++;
      const c = (t.byCollection[collectionOf(d)] ??= { reads: 0, writes: 0 });
      c.reads++;
    }
    for (const d of r.writes) {
      t.writes++;
      const c = (t.byCollection[collectionOf(d)] ??= { reads: 0, writes: 0 });
      c.writes++;
    }
  }
  return t;
}
