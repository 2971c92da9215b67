// Section 8: checks the cost and hot-spot model of docs/scaling.md against a
// measured run: K simulated instances (bench/lib/instance.mjs, each its own
// Firestore client, query pool, breaker copy and limiter cache) take open-loop
// payments from U users at R/s, routed to a random instance, and every RPC is
// counted per document. Predictions come from the model's per-payment costs.
import { performance } from 'node:perf_hooks';
import { collectionOf } from './lib/firestoreRpcs.mjs';
import { APP, paymentInstance } from './lib/instance.mjs';
import { openLoop } from './lib/measure.mjs';
import { fmtMs, fmtNum } from './report.mjs';

/** Limits loose enough for the run's users (production: 30/min, burst 10; a user here pays about once every 5 s). */
const LIMITS = { ratePerMin: 60, burst: 20, maxInFlight: 3 };

export async function runScaling({ sim, projectId, apiKey, quick, smoke = false, log }) {
  const K = smoke ? 3 : quick ? 6 : 10;
  const RATE = smoke ? 10 : quick ? 20 : 40;
  const SECONDS = smoke ? 3 : quick ? 10 : 30;
  const USERS = RATE * 5;
  const tag = `b8_${Date.now()}`;
  const insts = Array.from({ length: K }, () =>
    paymentInstance({ projectId, simUrl: sim.url, apiKey, limits: LIMITS }),
  );
  // Deterministic routing and payers (a fixed-seed generator), so runs are comparable.
  let seed = 42;
  // mulberry32: a small, well-distributed 32-bit generator.
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const plan = Array.from({ length: RATE * SECONDS }, () => ({
    inst: Math.floor(rand() * K),
    user: Math.floor(rand() * USERS),
  }));
  await sim.setFaults({ mode: 'none' });
  const marks = insts.map((i) => i.rpcs.rpcs.length);
  const start = performance.now();
  const results = await openLoop({
    count: plan.length,
    intervalMs: 1000 / RATE,
    start,
    op: async (n) => {
      const { inst, user } = plan[n];
      const t0 = performance.now();
      try {
        const r = await insts[inst].pay(
          { amount: 12.34, paymentMethod: 'credit_card', transactionId: `${tag}_${n}` },
          `${tag}_u${user}`,
        );
        return { ok: r.status === 'succeeded', ms: performance.now() - t0, code: r.status };
      } catch (err) {
        return { ok: false, ms: performance.now() - t0, code: err?.code ?? err?.message ?? 'Error' };
      }
    },
  });
  const wallS = (performance.now() - start) / 1000;
  const rpcs = insts.flatMap((inst, k) => inst.rpcs.since(marks[k]).map((r) => ({ ...r, inst: k })));
  await Promise.all(insts.map((i) => i.stop()));
  log(`8: ${plan.length} payments over ${K} instances in ${fmtNum(wallS, 1)} s`);

  // Measured: documents read / written per collection (applied writes: commits the emulator accepted), per
  // document, and instances writes per instance. A batch refused by a precondition (or a create that found its
  // document) wrote nothing: its documents are counted apart, and so are the reads an instance sent again for
  // documents a refused batch of its own named (the optimistic round that follows), since the model's
  // per-payment costs are for rounds that were not lost.
  const perCollection = {};
  const refusedBy = {};
  const reReadBy = {};
  const perDocWrites = new Map();
  const perUserDocTimes = new Map();
  const owedOf = new Map();
  let refusedBatches = 0;
  for (const r of rpcs) {
    const mine = owedOf.get(r.inst) ?? owedOf.set(r.inst, new Set()).get(r.inst);
    for (const d of r.reads) {
      const c = collectionOf(d);
      if (mine.delete(d)) reReadBy[c] = (reReadBy[c] ?? 0) + 1;
      else (perCollection[c] ??= { reads: 0, writes: 0 }).reads++;
    }
    if (r.code !== null && r.code !== undefined) {
      refusedBatches++;
      for (const d of r.writes) {
        refusedBy[collectionOf(d)] = (refusedBy[collectionOf(d)] ?? 0) + 1;
        if (/^(payments|userLimits)\/[^/]+$/.test(d)) mine.add(d);
      }
      continue;
    }
    for (const d of r.writes) {
      (perCollection[collectionOf(d)] ??= { reads: 0, writes: 0 }).writes++;
      // instances/{id} is one document per process here; per simulated instance it is one document each.
      const key = collectionOf(d) === 'instances' ? `instances/(instance ${r.inst})` : d;
      perDocWrites.set(key, (perDocWrites.get(key) ?? 0) + 1);
      if (collectionOf(d) === 'userLimits') (perUserDocTimes.get(d) ?? perUserDocTimes.set(d, []).get(d)).push(r.at);
    }
  }
  const ok = results.filter((r) => r.ok).length;
  const failures = {};
  for (const r of results) if (!r.ok) failures[r.code] = (failures[r.code] ?? 0) + 1;
  // The model is about payments that went through: with none, the counts say nothing (a broken bench, not a result).
  if (ok === 0) throw new Error(`no payment succeeded: ${JSON.stringify(failures)}`);

  // Predicted by the model (docs/scaling.md): per happy payment 2 payments writes, 2 userLimits writes
  // (both in the payment's two batches), one userLimits read per (user, instance) pair not seen before;
  // breakers/payment-service read at most once a second per instance; instances/{id} once per instance
  // per VUE_APP_METRICS_INTERVAL (60 s: here once each, on its first call).
  const pairs = new Set(plan.map((p) => `${p.inst}/${p.user}`)).size;
  // The plan played in order, one call at a time: a call on an instance whose copy of its user's limits another
  // instance has written since finds the copy stale, and its claim batch is refused once (then re-read, re-sent).
  // Calls of one user that overlap in time lose more rounds; that part depends on timing and is only reported.
  const lastWriter = new Map();
  const copies = new Set();
  let staleCopies = 0;
  for (const { inst, user } of plan) {
    if (copies.has(`${inst}/${user}`) && lastWriter.get(user) !== inst) staleCopies++;
    copies.add(`${inst}/${user}`);
    lastWriter.set(user, inst);
  }
  const perInst = RATE / K;
  // History (payments/{id}/events, in the same commits): the claim's `claimed`, then the outcome's `attempt.sent`,
  // `provider.answered` and `outcome.recorded` for a payment answered on its first attempt.
  const predicted = {
    payments: { reads: 0, writes: 2 * plan.length },
    'payments/events': { reads: 0, writes: 4 * plan.length },
    userLimits: { reads: pairs, writes: 2 * plan.length },
    // A refresh happens on the first call at least 1 s after the last one: every 1 s + 1/perInst on average.
    breakers: { reads: Math.round((K * SECONDS) / (1 + 1 / perInst)), writes: 0 },
    instances: { reads: 0, writes: K * Math.max(1, Math.ceil(SECONDS / (APP.metricsIntervalMs / 1000))) },
  };
  const collections = [...new Set([...Object.keys(predicted), ...Object.keys(perCollection)])].sort();
  const rows = collections.map((c) => {
    const m = perCollection[c] ?? { reads: 0, writes: 0 };
    const p = predicted[c] ?? { reads: 0, writes: 0 };
    return [
      c,
      `${m.reads} / ${m.writes}`,
      `${p.reads} / ${p.writes}`,
      `${fmtNum(m.reads / SECONDS, 1)} / ${fmtNum(m.writes / SECONDS, 1)}`,
      `${fmtNum(m.reads / plan.length, 3)} / ${fmtNum(m.writes / plan.length, 3)}`,
      `${reReadBy[c] ?? 0} / ${refusedBy[c] ?? 0}`,
    ];
  });
  // Highest steady write rate on one document: the busiest user's limits document over the run, and the
  // shortest gap seen between two writes of one payments document (claim and outcome of one call).
  const top = [...perDocWrites.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const hottest = top[0] ?? ['none', 0];
  let peak1s = 0;
  for (const times of perUserDocTimes.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] > 1000) j++;
      peak1s = Math.max(peak1s, i - j + 1);
    }
  }
  const lat = results.map((r) => r.ms).sort((a, b) => a - b);
  const predictedTop =
    2 * Math.max(...Object.values(plan.reduce((m, p) => ((m[p.user] = (m[p.user] ?? 0) + 1), m), {})));
  const within = (m, p) => (p === 0 ? m === 0 : Math.abs(m - p) / p <= 0.15);
  const agree = collections.every((c) => {
    const m = perCollection[c] ?? { reads: 0, writes: 0 };
    const p = predicted[c] ?? { reads: 0, writes: 0 };
    return within(m.reads, p.reads) && within(m.writes, p.writes);
  });
  return {
    id: 8,
    title: 'Scaling model check',
    target: `docs/scaling.md's per-payment model predicts the measured Firestore operations per collection within 15 % and the busiest document's writes (a user's limits: 2 per payment, so the production limit of 30/min caps it at 1 write/s sustained): ${K} simulated instances, ${USERS} users, ${RATE} payments/s for ${SECONDS} s (what this 2-core machine sustains beside the emulator).`,
    checks: [
      {
        name: 'measured vs predicted, every collection (reads and writes)',
        target: 'within 15 %',
        value: agree ? 'yes' : 'no (see table)',
        pass: agree,
      },
      {
        name: 'busiest document: writes measured vs the model (2 per payment of its user)',
        target: `within 25 % of ${predictedTop}`,
        value: `${hottest[0].replace(/^userLimits\/.*_u/, 'userLimits/u')}: ${hottest[1]} (${fmtNum(hottest[1] / SECONDS, 2)}/s over the run, at most ${peak1s} in one second)`,
        pass: hottest[1] <= predictedTop * 1.25 && hottest[1] >= predictedTop * 0.75,
      },
      {
        name: 'optimistic rounds lost (batches refused, re-read and re-sent)',
        target: `reported (${staleCopies} from stale copies if the calls had not overlapped)`,
        value: `${refusedBatches} (${fmtNum((100 * refusedBatches) / rpcs.filter((r) => r.method === 'commit').length, 1)} % of commits)`,
        pass: null,
      },
      {
        name: 'payments answered succeeded',
        target: String(plan.length),
        value: `${ok}${Object.keys(failures).length ? ` (${JSON.stringify(failures)})` : ''}`,
        pass: ok === plan.length,
      },
    ],
    tables: [
      {
        title: 'Documents read / written by collection, measured vs predicted',
        headers: [
          'collection',
          'measured reads / writes',
          'predicted reads / writes',
          'measured per second',
          'measured per payment',
          'lost rounds: reads sent again / writes refused',
        ],
        rows,
      },
      {
        title: 'Most written documents',
        headers: ['document', 'writes', 'per second'],
        rows: top.map(([d, n]) => [
          d.replace(/^(userLimits|payments)\/b8_\d+_/, '$1/'),
          String(n),
          fmtNum(n / SECONDS, 2),
        ]),
      },
    ],
    notes: [
      `${plan.length} payments, one every ${fmtMs(1000 / RATE)} (open loop), each to a random one of ${K} instances from a random one of ${USERS} users (fixed seed), ${pairs} distinct (user, instance) pairs; p50 ${fmtMs(lat[lat.length >> 1])}, p99 ${fmtMs(lat[Math.floor(lat.length * 0.99)])}; all calls answered ${fmtNum(wallS, 1)} s after the start. Every RPC of every instance's own Firestore client is counted with the documents it names (bench/lib/firestoreRpcs.mjs); writes are counted as applied. A lost optimistic round (a batch refused because another instance wrote the user's limits since this one's copy, or created them first) writes nothing and is re-sent after a read of what it named: both are in the last column, apart from the model's per-payment costs.`,
      'Simulated instances, not emulator workers: each is the compiled payment stack with its own firebase-admin app (its own gRPC channel, query pool, breaker copy, limiter cache), all in this process against a standalone Firestore emulator. The functions emulator cannot host more than a few warm workers on 2 cores (section 6), and its workers cannot be instrumented without bench hooks in functions/src. instances/{id} is keyed by the process here, so its writes are counted per simulated instance.',
      `The per-user limits are loosened to ${LIMITS.ratePerMin}/min, burst ${LIMITS.burst} so a run's users (about one payment every ${fmtNum(USERS / RATE, 0)} s each) are not refused; the model's per-payment costs do not depend on the limits while a call is admitted.`,
    ],
  };
}
