// Item 6: a fixed-rate load test through processPayment while the provider
// cycles healthy -> 50 % errors -> outage -> healthy, then an exact
// reconciliation of the provider's ledger against Firestore `payments`; then
// (generic contract) the same for refunds of the succeeded payments (loadtestRefunds.mjs).
// `provider` 'stripe' (bench --stripe) runs it against the Stripe fake with the
// phases, payment methods and reconciliation of ./lib/stripeLedger.mjs.
import { performance } from 'node:perf_hooks';
import { adminDb, callableCode } from './lib/client.mjs';
import { contradictions, fetchLedgers, reconcile } from './lib/ledger.mjs';
import { closedLoop, openLoop, sleep } from './lib/measure.mjs';
import { benchPayers } from './lib/payers.mjs';
import {
  fetchStripeLedgers,
  paymentMethodOf,
  reconcileStripe,
  stripeContradictions,
  stripePhases,
} from './lib/stripeLedger.mjs';
import { summarize } from './loadtest-report.mjs';
import { runRefundPhase } from './loadtestRefunds.mjs';

const RATE_PER_SEC = 5;
// The functions emulator serves one request per worker process and starts a
// new one whenever none is idle; a cold worker takes seconds on 2 cores. Open
// loop traffic against cold workers therefore starts dozens of them at once,
// which starve each other (measured: 53 workers, p50 39 s). The test warms
// WARM_WORKERS first, as a deployment with min instances would be, and reports
// how many workers served it. [BENCH_LOADTEST_WARM overrides, 0 = cold]
const WARM_WORKERS = Number(process.env.BENCH_LOADTEST_WARM ?? 20);
const WARM_STEP = 5;
// Real traffic comes from many users; one user paying 5 times a second is a
// user-limits test (userLimits/{uid} takes two writes per payment). Calls go
// round-robin over PAYERS signed-in users. [BENCH_LOADTEST_PAYERS overrides]
const PAYERS = Number(process.env.BENCH_LOADTEST_PAYERS ?? 5);
const GENERIC_PHASES = [
  { name: 'healthy', faults: { mode: 'none' } },
  { name: '50 % errors', faults: { mode: 'errors', errorRate: 0.5 } },
  // The provider keeps processing after the client gave up: each charge commits 3 s after it arrived and is
  // never answered; the retry with the same key then finds it. Nothing may be recorded failed meanwhile.
  { name: 'late commits', faults: { mode: 'late-commit', commitDelayMs: 3000 } },
  { name: 'outage', faults: { mode: 'outage' } },
  { name: 'healthy again', faults: { mode: 'none' } },
];

/** Amount of call i in major units; every 10th is declined by the simulator (minor units % 1000 = 402). */
const amountOf = (i) => (i % 10 === 9 ? 14.02 : (1000 + i) / 100);

/** What differs between the generic provider (the simulator) and Stripe (the fake). */
const MODES = {
  generic: {
    phases: () => GENERIC_PHASES,
    extra: () => ({}),
    fetchLedgers,
    reconcile,
    contradictions,
    requests: 'POST /charge requests at the provider',
  },
  stripe: {
    phases: stripePhases,
    extra: (i) => ({ paymentMethodId: paymentMethodOf(i) }),
    fetchLedgers: fetchStripeLedgers,
    reconcile: reconcileStripe,
    contradictions: stripeContradictions,
    requests: 'confirm requests at the Stripe fake',
  },
};

/** Polls `breakers/payment-service` and records every change of state. */
function watchBreaker(db, rel) {
  const changes = [];
  let last = null;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      try {
        const d = (await db.collection('breakers').doc('payment-service').get()).data();
        const key = d ? `${d.state}/${d.generation}/${d.openedAt}` : 'none';
        if (key !== last) {
          last = key;
          changes.push({
            at: rel(),
            state: d?.state ?? 'closed (no document)',
            generation: d?.generation ?? 0,
            failureRate: d?.failureRate ?? 0,
            calls: d?.calls ?? 0,
          });
        }
      } catch (err) {
        changes.push({ at: rel(), state: `read failed: ${err.code ?? err.message}` });
      }
      await sleep(250);
    }
  })();
  return { changes, stop: async () => ((stop = true), await loop) };
}

/** One processPayment call, summarised without throwing. */
async function pay(user, payload, phase, at) {
  const t0 = performance.now();
  try {
    const result = await user.call('processPayment', payload);
    return {
      transactionId: payload.transactionId,
      phase,
      at,
      ms: performance.now() - t0,
      outcome: result.status,
      result,
    };
  } catch (err) {
    const code = callableCode(err);
    const detailsStatus = err?.details?.status;
    // resource-exhausted from the per-user limits says which one (user-rate / user-in-flight).
    const detail = detailsStatus ?? err?.details?.reason;
    return {
      transactionId: payload.transactionId,
      phase,
      at,
      ms: performance.now() - t0,
      outcome: `${code}${detail ? ` (${detail})` : ''}`,
      code,
      detailsStatus,
    };
  }
}

/** Records that may or may not be charged: `unknown`, and `pending` (held by a call, or left by one that died). */
async function unresolvedRecords(db) {
  const snap = await db.collection('payments').where('status', 'in', ['unknown', 'pending']).get();
  return snap.docs.map((d) => ({ id: d.id, status: d.data().status, leaseUntil: d.data().leaseUntil ?? null }));
}

/**
 * Resolves `unknown` and stale `pending` records: first by repeating the call
 * with the same transactionId (what a client is told to do), then with
 * runReconciliation (the scheduled job's pass, run now) for whatever is left.
 */
async function resolve({ db, owner, admin, payloads, log }) {
  const report = { repeated: 0, repeatOutcomes: {}, reconcileRuns: [], waitedMs: 0 };
  const started = Date.now();
  for (let pass = 0; pass < 4; pass++) {
    const unresolved = await unresolvedRecords(db);
    if (unresolved.length === 0) break;
    const now = Date.now();
    const ready = unresolved.filter((u) => u.status === 'unknown' || (u.leaseUntil ?? 0) <= now);
    for (const u of ready) {
      const payload = payloads.get(u.id);
      if (!payload) continue;
      const res = await pay(owner.get(u.id), payload, 'resolution', 0);
      report.repeated++;
      report.repeatOutcomes[res.outcome] = (report.repeatOutcomes[res.outcome] ?? 0) + 1;
    }
    if (ready.length < unresolved.length) {
      // A pending record with a live lease belongs to a call still running (or one that died): wait for the lease.
      const wait = Math.min(40_000, Math.max(...unresolved.map((u) => (u.leaseUntil ?? now) - now)) + 500);
      log(`6: waiting ${Math.round(wait / 1000)} s for ${unresolved.length - ready.length} pending lease(s) to expire`);
      await sleep(wait);
    }
  }
  const left = await unresolvedRecords(db);
  if (left.length > 0) report.reconcileRuns.push(await admin.call('runReconciliation', {}));
  report.waitedMs = Date.now() - started;
  return report;
}

/** processPayment workers that served a call: each publishes instances/{instanceId} on its first call. */
async function paymentWorkers(db) {
  const snap = await db.collection('instances').where('function', '==', 'processPayment').get();
  return snap.size;
}

/** Starts `count` processPayment workers, `WARM_STEP` more at a time, then calls them all at once. */
async function warmWorkers(payers, tag, mode, log, count) {
  let seq = 0;
  const op = async (i) => {
    const res = await payers[i % payers.length].call('processPayment', {
      amount: 10,
      paymentMethod: 'credit_card',
      transactionId: `${tag}_w${seq++}`,
      ...mode.extra(0),
    });
    if (res.status !== 'succeeded') throw new Error(`warm-up payment ${res.status}`);
  };
  const t0 = Date.now();
  for (let c = WARM_STEP; c < count + WARM_STEP; c += WARM_STEP) {
    const n = Math.min(c, count);
    const res = await closedLoop({ n, concurrency: n, op });
    if (res.failures)
      log(`6: warm-up at concurrency ${n}: ${res.failures} failed (${Object.keys(res.errors).join(', ')})`);
  }
  const res = await closedLoop({ n: count, concurrency: count, op });
  return { ms: Date.now() - t0, p50: res.p50, failures: res.failures };
}

export async function runLoadTest({ user, admin, simulator, quick, smoke = false, log, provider = 'generic' }) {
  const phaseMs = smoke ? 1000 : quick ? 5000 : 15_000;
  const warmCount = smoke ? Math.min(2, WARM_WORKERS) : WARM_WORKERS;
  const mode = MODES[provider];
  const phases = mode.phases((phaseMs * RATE_PER_SEC) / 1000);
  const db = adminDb();
  await simulator.setFaults({ mode: 'none' });
  await admin.call('resetCircuitBreakers', {});
  const tag = `b6_${Date.now()}`;
  const payers = PAYERS > 1 ? await benchPayers(PAYERS) : [user];
  const workers = { before: await paymentWorkers(db) };
  const warm = warmCount > 0 ? await warmWorkers(payers, tag, mode, log, warmCount) : null;
  workers.warmed = await paymentWorkers(db);
  if (warm) log(`6: warm-up: ${workers.warmed} processPayment workers in ${Math.round(warm.ms / 1000)} s`);
  await sleep(1100); // every instance re-reads the breaker within ~1 s
  const count = (phases.length * phaseMs * RATE_PER_SEC) / 1000;
  const payloads = new Map();
  const owner = new Map();
  const start = performance.now();
  const rel = () => performance.now() - start;
  const watcher = watchBreaker(db, rel);
  const phaseAt = [];
  const faults = (async () => {
    for (const [k, phase] of phases.entries()) {
      await sleep(k * phaseMs - rel());
      await simulator.setFaults(phase.faults);
      phaseAt.push(rel());
      log(`6: t=${Math.round(rel() / 1000)} s: ${phase.name}`);
    }
  })();
  const calls = await openLoop({
    count,
    start,
    intervalMs: 1000 / RATE_PER_SEC,
    op: (i, at) => {
      const payload = {
        amount: amountOf(i),
        paymentMethod: 'credit_card',
        transactionId: `${tag}_${i}`,
        ...mode.extra(i),
      };
      const payer = payers[i % payers.length];
      payloads.set(payload.transactionId, payload);
      owner.set(payload.transactionId, payer);
      return pay(payer, payload, phases[Math.min(phases.length - 1, Math.floor(at / phaseMs))].name, at);
    },
  });
  await faults;
  const endedAt = rel();
  await sleep(1000);
  await watcher.stop();
  const stats = await admin.call('getConnectionPoolStats', {});
  workers.after = await paymentWorkers(db);
  await simulator.setFaults({ mode: 'none' });

  const before = mode.reconcile(await mode.fetchLedgers(db, simulator));
  log(
    `6: ${calls.length} calls done in ${Math.round(endedAt / 1000)} s; ${before.unresolved.length} record(s) unknown/pending; resolving`,
  );
  const resolution = await resolve({ db, owner, admin, payloads, log });
  await Promise.all(payers.filter((p) => p !== user).map((p) => p.close().catch(() => undefined)));
  const ledgers = await mode.fetchLedgers(db, simulator);
  const after = mode.reconcile(ledgers);
  const told = mode.contradictions(calls, ledgers);
  // The refund phase (generic contract): the payments that succeeded, refunded under the same faults.
  const succeeded = [...payloads.values()].filter((p) => ledgers.records.get(p.transactionId)?.status === 'succeeded');
  const refunds =
    provider === 'generic'
      ? await runRefundPhase({
          admin,
          simulator,
          db,
          tag,
          payments: succeeded,
          phases,
          phaseMs,
          ratePerSec: RATE_PER_SEC,
          log,
        })
      : null;
  return summarize({
    refunds,
    calls,
    phaseMs,
    phaseAt,
    changes: watcher.changes,
    stats,
    before,
    after,
    resolution,
    told,
    endedAt,
    chargeRequests: ledgers.chargeRequests,
    phaseNames: phases.map((p) => p.name),
    ratePerSec: RATE_PER_SEC,
    workers,
    warm,
    payers: payers.length,
    provider,
    requestsLabel: mode.requests,
  });
}
