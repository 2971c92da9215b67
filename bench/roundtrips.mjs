// Section 7: Firestore round trips per processPayment path, counted on the
// project's own Firestore clients (bench/lib/firestoreRpcs.mjs), and the
// per-user limiter's cost (the same happy path with and without it, one run).
// The payment stack runs in this process (bench/lib/instance.mjs) against a
// standalone Firestore emulator and the payment simulator.
import { performance } from 'node:perf_hooks';
import { APP, paymentInstance } from './lib/instance.mjs';
import { tally } from './lib/firestoreRpcs.mjs';
import { CEILINGS, grownPaths } from './lib/roundTripCeilings.mjs';
import { closedLoop, median, rotate, sleep, spread } from './lib/measure.mjs';
import { fmtMs, fmtNum, fmtRatio, fmtSpread } from './report.mjs';

/** Limits loose enough that one user's calls are never refused (paths other than the limiter's). */
const LOOSE = { ratePerMin: 600_000, burst: 100_000, maxInFlight: 100 };

/** One call (`op`: 'pay' or 'refund') on `inst`, with the RPCs it sent; never throws. */
async function traced(inst, input, uid, op = 'pay') {
  const mark = inst.rpcs.rpcs.length;
  const t0 = performance.now();
  let result = null;
  let code = null;
  try {
    result = await inst[op](input, uid);
  } catch (err) {
    code = err?.code ?? err?.name ?? 'Error';
  }
  return { ms: performance.now() - t0, result, code, rpcs: inst.rpcs.since(mark) };
}

/**
 * Per-call numbers of a path: round trips (median and range), and the largest reads/writes/transactional RPCs
 * seen; `key` names its ceiling (lib/roundTripCeilings.mjs).
 */
function pathRow(key, name, calls, target) {
  const t = calls.map((c) => tally(c.rpcs));
  // The payment's own round trips; the breaker refresh (at most once a second per instance) and the
  // stats publication (once per VUE_APP_METRICS_INTERVAL) are shown by collection, not charged to the path.
  const own = (c) => c.rpcs.filter((r) => ![...r.reads, ...r.writes].every((d) => /^(breakers|instances)\//.test(d)));
  const rts = calls.map((c) => own(c).length);
  const all = t.map((x) => x.roundTrips);
  const byCollection = {};
  for (const x of t)
    for (const [c, v] of Object.entries(x.byCollection)) {
      const s = (byCollection[c] ??= { reads: 0, writes: 0 });
      s.reads += v.reads;
      s.writes += v.writes;
    }
  const per = (v) => fmtNum(v / calls.length, 2);
  return {
    key,
    name,
    calls: calls.length,
    roundTrips: median(rts),
    range: spread(rts),
    allRoundTrips: all.reduce((a, b) => a + b, 0) / calls.length,
    maxWrites: Math.max(0, ...t.map((x) => x.writes)),
    maxTx: Math.max(0, ...t.map((x) => x.txRpcs)),
    maxReads: Math.max(0, ...t.map((x) => x.reads)),
    collections: Object.entries(byCollection)
      .sort()
      .map(([c, v]) => `${c} ${per(v.reads)} r / ${per(v.writes)} w`)
      .join(', '),
    methods: [...new Set(calls.flatMap((c) => c.rpcs.map((r) => `${r.method}${r.transaction ? ' (tx)' : ''}`)))].join(
      ', ',
    ),
    outcomes: [...new Set(calls.map((c) => c.result?.status ?? c.code))].join(', '),
    p50: median(calls.map((c) => c.ms)),
    target,
  };
}

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

const TARGETS = {
  happy: { text: '2 round trips', test: (r) => r.range[1] <= 2 },
  replay: { text: '1 round trip', test: (r) => r.range[1] <= 1 },
  cheap: { text: '<= 1 write, no transaction', test: (r) => r.maxWrites <= 1 && r.maxTx === 0 },
  none: { text: 'reported', test: () => null },
};

/** Measures each path on instances of its own; resolves with the table rows and the number of paying users. */
async function measurePaths(ctx, tag) {
  const { sim, projectId, apiKey, smoke = false } = ctx;
  // Smoke: each path measured a few times only.
  const size = { users: smoke ? 4 : 10, retried: smoke ? 3 : 10, unknown: smoke ? 1 : 3 };
  const rows = [];
  const base = { projectId, simUrl: sim.url, apiKey };
  const pay = (i, extra = {}) => ({
    amount: 19.99,
    paymentMethod: 'credit_card',
    transactionId: `${tag}_${i}`,
    ...extra,
  });
  let seq = 0;

  // Happy path and replay with the production limits (functions/.env): users pay twice each.
  await sim.setFaults({ mode: 'none' });
  const a = paymentInstance(base);
  const first = [];
  const again = [];
  const ids = [];
  try {
    await traced(a, pay(seq++), `${tag}_warmup`); // connections, breaker copy
    for (let u = 0; u < size.users; u++) {
      for (const list of [first, again]) {
        const input = pay(seq++);
        ids.push([input, `${tag}_u${u}`]);
        list.push(await traced(a, input, `${tag}_u${u}`));
      }
    }
    const replays = [];
    for (const [input, uid] of ids) replays.push(await traced(a, input, uid));
    // The same replays on an instance that has seen neither the users nor the payments.
    const elsewhere = [];
    const a2 = paymentInstance(base);
    try {
      await traced(a2, pay(seq++), `${tag}_warmup2`);
      for (const [input, uid] of ids.filter((_, i) => i % 2 === 0)) elsewhere.push(await traced(a2, input, uid));
    } finally {
      await a2.stop();
    }
    // Refunds in full of the first payments by one admin, after a first refund not counted (burst 10)..
    const refunds = [];
    const refundable = ids.filter((_, i) => i % 2 === 0).map(([input]) => input.transactionId);
    for (const [k, transactionId] of refundable.slice(0, 9).entries()) {
      const c = await traced(a, { transactionId, refundId: `${tag}_rf${k}` }, `${tag}_admin`, 'refund');
      if (k > 0) refunds.push(c);
    }
    // The user limiter: one user past PAYMENT_USER_BURST (10) within a second.
    const limited = [];
    for (let i = 0; i < APP.limits.burst + 10; i++) {
      const c = await traced(a, pay(seq++), `${tag}_burst`);
      if (c.code === 'PAYMENT_USER_LIMITED') limited.push(c);
    }
    rows.push(pathRow('happyCached', "happy, user's limits cached on the instance", again, TARGETS.happy));
    rows.push(pathRow('happyFirst', 'happy, first call of the user on the instance', first, TARGETS.happy));
    rows.push(pathRow('replay', 'replay of a final payment, on the instance that made it', replays, TARGETS.replay));
    rows.push(
      pathRow('replayElsewhere', 'replay of a final payment, on an instance new to the user', elsewhere, TARGETS.none),
    );
    rows.push(pathRow('limited', 'rejected by the user limiter', limited, TARGETS.cheap));
    rows.push(pathRow('refund', 'refund in full (refundPayment by an admin)', refunds, TARGETS.happy));
  } finally {
    await a.stop();
  }

  // Faults, with the breaker kept out of the way (CIRCUIT_MIN_CALLS 1000) and short deadlines.
  const b = paymentInstance({
    ...base,
    limits: LOOSE,
    breaker: { minCalls: 1000 },
    settings: { attemptTimeoutMs: 300, totalTimeoutMs: 1500 },
  });
  try {
    await traced(b, pay(seq++), `${tag}_f`);
    await traced(b, pay(seq++), `${tag}_f`);
    await sim.setFaults({ mode: 'errors', errorRate: 0.5 });
    const retried = [];
    for (let i = 0; i < 60 && retried.length < size.retried; i++) {
      const c = await traced(b, pay(seq++), `${tag}_f`);
      if (c.result?.status === 'succeeded' && c.result.attempts >= 2) retried.push(c);
    }
    rows.push(pathRow('retried', 'retry after 5xx (succeeded on attempt 2-3)', retried, TARGETS.none));
    await sim.setFaults({ mode: 'hang' });
    const unknown = [];
    for (let i = 0; i < size.unknown; i++) unknown.push(await traced(b, pay(seq++), `${tag}_f`));
    rows.push(pathRow('unknown', 'unknown (no answer, lookup unanswered)', unknown, TARGETS.none));
  } finally {
    await sim.setFaults({ mode: 'none' });
    await b.stop();
  }

  // Breaker open: an outage opens it (app settings), then calls arrive every 100 ms for 2.5 s.
  const c = paymentInstance({ ...base, limits: LOOSE });
  try {
    await traced(c, pay(seq++), `${tag}_o`);
    await sim.setFaults({ mode: 'outage' });
    for (let i = 0; i < 20 && c.breaker.snapshot().state !== 'open'; i++) await traced(c, pay(seq++), `${tag}_o`);
    const fresh = [];
    const stale = [];
    for (let i = 0; i < 25; i++) {
      const s = c.breaker.snapshot();
      const list = s.syncedAt !== null && Date.now() - s.syncedAt < 1000 ? fresh : stale;
      list.push(await traced(c, pay(seq++), `${tag}_o`));
      await sleep(100);
    }
    rows.push(pathRow('breakerFresh', 'breaker open, local copy < 1 s old', fresh, TARGETS.cheap));
    rows.push(pathRow('breakerStale', 'breaker open, local copy older (refreshed on the call)', stale, TARGETS.cheap));
  } finally {
    await sim.setFaults({ mode: 'none' });
    await c.breaker.reset(); // the fleet breaker document is shared with whatever runs next
    await c.stop();
  }
  return { rows, users: size.users };
}

/** The happy path with the per-user limiter vs without it: interleaved rounds, one warm user, sequential. */
async function limiterCost(ctx, tag) {
  const { sim, projectId, apiKey, quick, smoke = false } = ctx;
  const n = smoke ? 10 : quick ? 30 : 100;
  const rounds = quick ? 1 : 3;
  const variants = { 'with per-user limits': LOOSE, 'without (no limits)': null };
  const names = Object.keys(variants);
  const insts = Object.fromEntries(
    names.map((v) => [v, paymentInstance({ projectId, simUrl: sim.url, apiKey, limits: variants[v] })]),
  );
  const results = Object.fromEntries(names.map((v) => [v, []]));
  let seq = 0;
  try {
    for (const v of names)
      await closedLoop({
        n: 10,
        concurrency: 1,
        op: () =>
          insts[v].pay({ amount: 5, paymentMethod: 'credit_card', transactionId: `${tag}_w${seq++}` }, `${tag}_lim`),
      });
    for (let r = 0; r < rounds; r++) {
      for (const v of rotate(names, r)) {
        const inst = insts[v];
        const mark = inst.rpcs.rpcs.length;
        const res = await closedLoop({
          n,
          concurrency: 1,
          op: async () => {
            const out = await inst.pay(
              { amount: 5, paymentMethod: 'credit_card', transactionId: `${tag}_${seq++}` },
              `${tag}_lim`,
            );
            if (out.status !== 'succeeded') throw new Error(`payment ${out.status}`);
          },
        });
        results[v].push({ ...res, roundTrips: inst.rpcs.since(mark).length / n });
      }
    }
  } finally {
    await Promise.all(Object.values(insts).map((i) => i.stop()));
  }
  return { n, rounds, results, names };
}

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
      "Round trips counted on the project's own Firestore clients: happy path 2; a refund 2 (issue 22); a breaker-open or user-limit rejection at most one write and no transaction; a replay of a final payment one read. Plus the per-user limiter's cost: the happy path with it vs without it, same run.",
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
      `Happy path and replay use the production limits (PAYMENT_USER_RATE_PER_MIN 30, burst 10, in flight 3); ${users} users pay twice each, so the first call of each user on the instance reads userLimits/{uid} (not cached yet) and the second runs on the cached copy. The limiter row is one user paying ${APP.limits.burst + 10} times in a row. The fault paths use loose limits, short deadlines (300 ms per attempt, 1.5 s in total) and a breaker that needs 1000 calls, so the breaker stays out of them; the breaker rows use the app's breaker settings after an outage opened it.`,
      'Payment round trips are the RPCs on payments/ and userLimits/ (and ledgerStats/); the breaker document (breakers/payment-service) is read at most once a second per instance, by the call that finds the local copy older, and instances/{id} is written once per VUE_APP_METRICS_INTERVAL: both show in "all RPCs" and by collection. Writes are counted as sent: the refused create of a replay names two documents (the payment and the user\'s limits, one batch) and writes neither.',
      "Every call spends from its caller's limits (#24), a replay included (and a call refused by the open breaker: its spend goes out beside its one read of the payment, 2 round trips): one write of userLimits/{uid}, conditional on the instance's copy (blind under contention: docs/security.md). A replay on the instance that made or saw the payment reads it first (payments are never deleted, so a seen id is a repeat): 1 read + the spend. On an instance new to the user it costs the user's read, the refused create, the payment's read and the spend (4). The house's wish of 1 round trip for a replay is out of reach while a replay spends: the answer needs the record (a read) and the spend is a write, and no Firestore RPC does both; answering from a per-instance copy of final records would be wrong whenever a late call raises their attempts.",
      "A refund (refundPayment by an admin, in full, after a first refund that is not counted) reads the payment, the refund and the admin's limits in one batchGetDocuments, commits the refund ahead of the provider request (with the payment's pending total and the spend, one batch conditional on what was read), then commits the outcome (the refund and the payment's totals): 3 round trips against the target of 2. The outcome must be written after the provider answers, and the write ahead must be conditional on a read of the payment (its status and what is left to refund), so 2 would need the write ahead without that read.",
      "Why the first call stays at 3: the claim is one batched write conditional on the user's limits as last read (their update time), and Firestore's only preconditions are that update time and existence. An instance that has never seen the user has neither, so it must read userLimits/{uid} before it can write the claim atomically with the limits (a transaction is the same read plus a commit). A blind write needs no read but cannot refuse a user over the limit before the charge. Without per-user limits the happy path is 2 (see the limiter rows). The ceilings (bench/lib/roundTripCeilings.mjs) fail this section when any path takes more round trips than it does now.",
    ],
  };
}
