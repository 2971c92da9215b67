// Section 7: Firestore round trips per processPayment path, counted on the
// project's own Firestore clients (bench/lib/firestoreRpcs.mjs), and the
// per-user limiter's cost (the same happy path with and without it, one run).
// The payment stack runs in this process (bench/lib/instance.mjs) against a
// standalone Firestore emulator and the payment simulator.
import { APP } from './lib/instance.mjs';
import { CEILINGS, grownPaths } from './lib/roundTripCeilings.mjs';
import { measurePaths } from './lib/roundTripPaths.mjs';
import { limiterCost } from './lib/limiterCost.mjs';
import { median, spread } from './lib/measure.mjs';
import { fmtMs, fmtNum, fmtRatio, fmtSpread } from './report.mjs';

/** A path row as a report check against its target; a path with no target ('reported') neither passes nor fails. */
function check(row) {
  const { target } = row;
  const pass = target.test(row);
  return {
    name: `round trips: ${row.name}`,
    target: target.text,
    value: `${fmtNum(row.roundTrips, 1)} per call${row.range && row.range[0] !== row.range[1] ? ` (${row.range[0]}-${row.range[1]})` : ''}; writes <= ${row.maxWrites}, transactional RPCs <= ${row.maxTx}`,
    pass: target.text === 'reported' ? null : pass,
  };
}

/** Runs section 7: measures the paths and the limiter's cost, and resolves with the section's checks, tables and notes. */
export async function runRoundTrips(ctx) {
  const { log } = ctx;
  const tag = `b7_${Date.now()}`;
  const { rows, users } = await measurePaths(ctx, tag);
  log('7: paths measured');
  const lim = await limiterCost(ctx, `${tag}_l`);
  const [withL, without] = lim.names;
  const ratio = (key) => lim.results[withL].map((x, r) => x[key] / lim.results[without][r][key]);
  const limRows = lim.names.map((v) => {
    const runs = lim.results[v];
    const cell = (key) =>
      v === without ? '1 (baseline)' : `${fmtRatio(median(ratio(key)))} ${fmtSpread(spread(ratio(key)))}`;
    return [
      v,
      fmtMs(median(runs.map((x) => x.p50))),
      fmtMs(median(runs.map((x) => x.p99))),
      fmtNum(median(runs.map((x) => x.opsPerSec)), 1),
      fmtNum(median(runs.map((x) => x.roundTrips)), 2),
      `${fmtNum(median(runs.map((x) => x.cpuUsPerOp)) / 1000, 2)} ms`,
      cell('p50'),
      cell('cpuUsPerOp'),
      String(runs.reduce((s, x) => s + x.failures, 0)),
    ];
  });
  const checks = rows.map(check);
  const grown = grownPaths(rows);
  checks.push({
    name: 'round trips: no path grew',
    target: `each path at most its ceiling (bench/lib/roundTripCeilings.mjs: ${Object.entries(CEILINGS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    value: grown.length ? grown.join('; ') : 'none over its ceiling',
    pass: grown.length === 0,
  });
  checks.push({
    name: 'per-user limiter: happy-path p50 with / without',
    target: 'reported (no target set)',
    value: `${fmtRatio(median(ratio('p50')))} (round trips ${fmtNum(median(lim.results[withL].map((x) => x.roundTrips)), 2)} vs ${fmtNum(median(lim.results[without].map((x) => x.roundTrips)), 2)})`,
    pass: null,
  });
  return {
    id: 7,
    title: 'Firestore round trips per path',
    target:
      "Round trips counted on the project's own Firestore clients: happy path 2 (a user's first call on an instance too, with the seal of the user's last answer); a refund with getPayment's refund seal 2 (issue 22), without one reported; a breaker-open or user-limit rejection at most one write and no transaction; a replay of a final payment one read. Plus the per-user limiter's cost: the happy path with it vs without it, same run.",
    checks,
    tables: [
      {
        title: 'Per call, by path (r = documents read, w = documents written, per call)',
        headers: [
          'path',
          'calls',
          'round trips (median, range)',
          'by collection',
          'RPCs seen',
          'outcome',
          'p50',
          'target',
        ],
        rows: rows.map((r) => [
          r.name,
          String(r.calls),
          `${fmtNum(r.roundTrips, 1)}${r.range && r.range[0] !== r.range[1] ? ` (${r.range[0]}-${r.range[1]})` : ''}`,
          fmtNum(r.allRoundTrips, 2),
          r.collections || 'none',
          r.methods || 'none',
          r.outcomes,
          fmtMs(r.p50),
          r.target.text,
        ]),
      },
      {
        title: `Per-user limiter cost: ${lim.n} sequential happy payments of one warm user per variant and round, ${lim.rounds} interleaved round(s)`,
        headers: [
          'variant',
          'p50',
          'p99',
          'calls/s',
          'round trips per call',
          'client CPU per call',
          'p50 vs without',
          'CPU vs without',
          'failed',
        ],
        rows: limRows,
      },
    ],
    notes: [
      'Counted, not estimated: each simulated instance has its own firebase-admin Firestore client whose two RPC funnels (request and requestStream of @google-cloud/firestore) are wrapped, so every commit, batchGetDocuments, runQuery, beginTransaction and rollback the project sends is recorded with the documents it names. A round trip is one RPC; "(tx)" marks RPCs of a transaction.',
      'The stack is the compiled functions/lib assembled like app/runtime.ts (QueryPool, FirestoreBreakerStore, HttpPoolManager, FirestoreLedger, GenericProvider, PaymentHandler, StatsPublisher) against a standalone Firestore emulator and the payment simulator, in this process; each call also runs the stats publication a callable runs afterwards (instances/{id}, at most once per VUE_APP_METRICS_INTERVAL, 60 s), which is where an occasional instances write comes from.',
      `Happy path and replay use the production limits (PAYMENT_USER_RATE_PER_MIN 30, burst 10, in flight 3); ${users} users pay twice each, so the first call of each user on the instance reads userLimits/{uid} (not cached yet; the row without a seal) and the second runs on the cached copy. After their replays, each user pays once more on a third instance new to them all, carrying the seal of their last answer (whichever instance gave it), as the SPA's test page does (web/src/composables/usePaymentSeal.ts): the first-call row with a seal. The limiter row is one user paying ${APP.limits.burst + 10} times in a row. The fault paths use loose limits, short deadlines (300 ms per attempt, 1.5 s in total) and a breaker that needs 1000 calls, so the breaker stays out of them; the breaker rows use the app's breaker settings after an outage opened it.`,
      'Payment round trips are the RPCs on payments/ and userLimits/ (and ledgerStats/); the breaker document (breakers/payment-service) is read at most once a second per instance, by the call that finds the local copy older, and instances/{id} is written once per VUE_APP_METRICS_INTERVAL: both show in "all RPCs" and by collection. Writes are counted as sent: the refused create of a replay names two documents (the payment and the user\'s limits, one batch) and writes neither.',
      "Every call spends from its caller's limits (#24), a replay included (and a call refused by the open breaker: its spend goes out beside its one read of the payment, 2 round trips): one write of userLimits/{uid}, conditional on the instance's copy (blind under contention: docs/security.md). A replay on the instance that made the payment and settled it succeeded answers the record it wrote (payments/ledger/settledPayments.ts): the spend alone, 1 round trip. Only such records are kept: created by this instance (no other call ever held them, so no late call can raise their attempts: one that re-claimed first would have failed the outcome's precondition), succeeded with a charge id (a success is never overwritten; a decline or cancellation may still turn into a late success). Any other repeat on an instance that saw the id reads it first (payments are never deleted, so a seen id is a repeat): 1 read + the spend. On an instance new to the user it costs the user's read, the refused create, the payment's read and the spend (4).",
      "A refund as the explorer makes it: the admin opens the payment (getPayment, its own row: the payment and the admin's userLimits/{uid} in one batchGetDocuments, the refunds and the history in one query each, at once) and refunds it in full with the answer's refundSeal (access/sealedReads.ts: those two documents and their update times, AES-256-GCM under SEAL_KEY, bound to the admin). The write ahead runs the claim rule on the sealed copies and commits the refund with the payment's pending total and the spend in one batch conditional on the sealed update times and the refund's absence; then the outcome (the refund and the payment's totals): 2 round trips, issue 22's target. Without a seal (the second refund row, on other payments by another admin) the refund reads the payment, the refund and the limits first: 3. A stale seal (the payment or the limits changed since getPayment) fails the commit's precondition and costs 4 (the failed commit, then the 3 of the read path): tests/integration/sealedRefundLedger.test.ts, not this table. The first refund of each row is not counted.",
      "A user's first call on an instance: the claim is one batched write conditional on the user's limits as last read (their update time), and Firestore's only preconditions are that update time and existence, so an instance that has never seen the user needs a copy of the limits before it can write the claim atomically with them. Without a seal it reads userLimits/{uid} first: 3 round trips (a transaction is the same read plus a commit; a blind write needs no read but cannot refuse a user over the limit before the charge). With the seal of the user's last answer (processPayment's `seal`: the limits document and its update time as that call left them, AES-256-GCM under SEAL_KEY, bound to the user, 15 minutes; docs/callables.md) the instance takes the sealed copy instead of reading and writes conditional on its update time: 2, the claim's commit and the outcome's. A seal that is out of date (the user paid elsewhere since) fails that precondition and the claim reads as without one, so a seal saves a read and never changes a decision. Without per-user limits the happy path is 2 (see the limiter rows). The ceilings (bench/lib/roundTripCeilings.mjs) fail this section when any path takes more round trips than it does now; both first-call rows are guarded (with a seal 2, without 3).",
    ],
  };
}
