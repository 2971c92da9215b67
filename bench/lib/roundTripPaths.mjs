// Section 7's path measurements: each processPayment path (and a refund) on instances of its own, with the
// Firestore RPCs each call sent, counted on the project's own clients (bench/lib/firestoreRpcs.mjs).
import { performance } from 'node:perf_hooks';
import { APP, paymentInstance } from './instance.mjs';
import { tally } from './firestoreRpcs.mjs';
import { median, sleep, spread } from './measure.mjs';
import { fmtNum } from '../report.mjs';

/** Limits loose enough that one user's calls are never refused (paths other than the limiter's). */
export const LOOSE = { ratePerMin: 600_000, burst: 100_000, maxInFlight: 100 };

/** One call (`op`: 'pay', 'refund' or 'getPayment') on `inst`, with the RPCs it sent; never throws. */
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

/** What each path is held to in the report (the ceilings that fail the section are in roundTripCeilings.mjs). */
const TARGETS = {
  happy: { text: '2 round trips', test: (r) => r.range[1] <= 2 },
  unsealed: { text: '3 round trips (the read a seal saves)', test: (r) => r.range[1] <= 3 },
  replay: { text: '1 round trip', test: (r) => r.range[1] <= 1 },
  cheap: { text: '<= 1 write, no transaction', test: (r) => r.maxWrites <= 1 && r.maxTx === 0 },
  none: { text: 'reported', test: () => null },
};

/** Measures each path on instances of its own; resolves with the table rows and the number of paying users. */
export async function measurePaths(ctx, tag) {
  const { sim, projectId, apiKey, smoke = false } = ctx;
  // Smoke: each path measured a few times only.
  const size = { users: smoke ? 4 : 10, retried: smoke ? 3 : 10, unknown: smoke ? 1 : 3, refunds: smoke ? 4 : 8 };
  const rows = [];
  const base = { projectId, simUrl: sim.url, apiKey };
  const pay = (i, extra = {}) => ({
    amount: 19.99,
    paymentMethod: 'credit_card',
    transactionId: `${tag}_${i}`,
    ...extra,
  });
  let seq = 0;
  // Each user's last answered seal, whichever instance answered, as a frontend keeps it (web usePaymentSeal).
  const lastSeal = new Map();
  const payAs = async (inst, input, uid) => {
    const c = await traced(inst, input, uid);
    if (c.result?.seal) lastSeal.set(uid, c.result.seal);
    return c;
  };

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
        list.push(await payAs(a, input, `${tag}_u${u}`));
      }
    }
    const replays = [];
    for (const [input, uid] of ids) replays.push(await payAs(a, input, uid));
    // The same replays on an instance that has seen neither the users nor the payments.
    const elsewhere = [];
    const a2 = paymentInstance(base);
    try {
      await traced(a2, pay(seq++), `${tag}_warmup2`);
      for (const [input, uid] of ids.filter((_, i) => i % 2 === 0)) elsewhere.push(await payAs(a2, input, uid));
    } finally {
      await a2.stop();
    }
    // Each user's next payment on a third instance, new to them all, carrying the seal of their last answer.
    const sealed = [];
    const a3 = paymentInstance(base);
    try {
      await traced(a3, pay(seq++), `${tag}_warmup3`);
      for (let u = 0; u < size.users; u++) {
        const uid = `${tag}_u${u}`;
        sealed.push(await payAs(a3, pay(seq++, { seal: lastSeal.get(uid) }), uid));
      }
    } finally {
      await a3.stop();
    }
    // Refunds in full by one admin, as the explorer makes them: getPayment (its own row), then refundPayment with
    // the answer's refundSeal; after a first one not counted. Then refunds without a seal (a client that passes
    // none, or a stale seal's fallback), on other payments, each with its own admin (burst 10).
    const refunds = [];
    const readRefunds = [];
    const reads = [];
    const refundable = [];
    for (let k = 0; k < 2 * size.refunds; k++) {
      const input = pay(seq++);
      if ((await traced(a, input, `${tag}_rp${k}`)).result?.status === 'succeeded')
        refundable.push(input.transactionId);
    }
    for (const [k, transactionId] of refundable.slice(0, size.refunds).entries()) {
      const shown = await traced(a, { transactionId }, `${tag}_admin`, 'getPayment');
      const seal = shown.result?.refundSeal;
      const c = await traced(a, { transactionId, refundId: `${tag}_rf${k}`, seal }, `${tag}_admin`, 'refund');
      if (k > 0) refunds.push(c);
      if (k > 0) reads.push(shown);
    }
    for (const [k, transactionId] of refundable.slice(size.refunds).entries()) {
      const c = await traced(a, { transactionId, refundId: `${tag}_rn${k}` }, `${tag}_admin2`, 'refund');
      if (k > 0) readRefunds.push(c);
    }
    // The user limiter: one user past PAYMENT_USER_BURST (10) within a second.
    const limited = [];
    for (let i = 0; i < APP.limits.burst + 10; i++) {
      const c = await traced(a, pay(seq++), `${tag}_burst`);
      if (c.code === 'PAYMENT_USER_LIMITED') limited.push(c);
    }
    rows.push(pathRow('happyCached', "happy, user's limits cached on the instance", again, TARGETS.happy));
    const sealedName = "happy, first call of the user on the instance, with the seal of the user's last answer";
    rows.push(pathRow('happyFirst', sealedName, sealed, TARGETS.happy));
    const unsealedName = 'happy, first call of the user on the instance, without a seal';
    rows.push(pathRow('happyFirstUnsealed', unsealedName, first, TARGETS.unsealed));
    rows.push(pathRow('replay', 'replay of a final payment, on the instance that made it', replays, TARGETS.replay));
    rows.push(
      pathRow('replayElsewhere', 'replay of a final payment, on an instance new to the user', elsewhere, TARGETS.none),
    );
    rows.push(pathRow('limited', 'rejected by the user limiter', limited, TARGETS.cheap));
    rows.push(pathRow('getPayment', 'getPayment by an admin (with the refund seal)', reads, TARGETS.none));
    rows.push(pathRow('refund', "refund in full with getPayment's refund seal", refunds, TARGETS.happy));
    rows.push(
      pathRow('refundUnsealed', 'refund in full without a seal (refundPayment reads)', readRefunds, TARGETS.none),
    );
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
