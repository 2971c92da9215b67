// Section 6's refund phase (issue 22): after the payments, refundPayment at a
// fixed rate while the provider cycles through the same faults, refunding the
// phase's succeeded payments in full or in two parts; then the unknown and
// pending refunds are resolved (a repeat of the same call, then
// runReconciliation) and the provider's refunds are reconciled exactly against
// the refund records and every payment's refundedAmount (lib/refundLedger.mjs).
import { performance } from 'node:perf_hooks';
import { callableCode } from './lib/client.mjs';
import { closedLoop, Latencies, openLoop, sleep } from './lib/measure.mjs';
import { benchPayers } from './lib/payers.mjs';
import { fetchRefundLedgers, reconcileRefunds } from './lib/refundLedger.mjs';
import { fmtMs } from './report.mjs';

/** refundPayment workers warmed before the phase (cold emulator workers take seconds each). */
const WARM_REFUND_WORKERS = 5;
/**
 * Admins the refund calls go round-robin over: every call spends from its caller's per-user limits, and one
 * admin refunding 5 times a second would test those limits. [BENCH_LOADTEST_PAYERS overrides, as for payers]
 */
const ADMINS = Number(process.env.BENCH_LOADTEST_PAYERS ?? 5);

/** One refundPayment call, summarised without throwing. */
async function refundCall(admin, payload, phase, at) {
  const t0 = performance.now();
  const base = { transactionId: payload.transactionId, refundId: payload.refundId, payload, phase, at };
  try {
    const result = await admin.call('refundPayment', payload);
    return { ...base, ms: performance.now() - t0, outcome: result.status, result };
  } catch (err) {
    const code = callableCode(err);
    const detailsStatus = err?.details?.status;
    const outcome = `${code}${detailsStatus ? ` (${detailsStatus})` : ''}`;
    return { ...base, ms: performance.now() - t0, outcome, code, detailsStatus };
  }
}

/** The refunds to ask for: every even payment in full, every odd one in two parts (half, then the rest). */
export function plannedRefunds(payments, tag) {
  return payments.flatMap((p, k) =>
    k % 2 === 0
      ? [{ transactionId: p.transactionId, refundId: `${tag}_rf${k}` }]
      : [
          { transactionId: p.transactionId, refundId: `${tag}_rf${k}a`, amount: Math.floor(p.amount * 50) / 100 },
          { transactionId: p.transactionId, refundId: `${tag}_rf${k}b` },
        ],
  );
}

/** Refund records that may stand for a refund not settled yet. */
async function openRefunds(db, prefix) {
  const snap = await db.collectionGroup('refunds').where('status', 'in', ['unknown', 'pending']).get();
  return snap.docs
    .map((d) => d.data())
    .filter((r) => r.transactionId.startsWith(prefix) && (r.status === 'unknown' || !r.providerRefundId));
}

/** Repeats the call of every open refund (its lease over), up to 4 passes, then runs reconciliation once. */
async function resolveRefunds({ db, admin, prefix, payloads, log }) {
  const report = { repeated: 0, repeatOutcomes: {}, reconcileRuns: [], waitedMs: 0 };
  const started = Date.now();
  for (let pass = 0; pass < 4; pass++) {
    const left = await openRefunds(db, prefix);
    if (left.length === 0) break;
    const now = Date.now();
    const ready = left.filter((r) => r.status === 'unknown' || (r.leaseUntil ?? 0) <= now);
    for (const r of ready) {
      const payload = payloads.get(r.refundId);
      if (!payload) continue;
      const res = await refundCall(admin, payload, 'resolution', 0);
      report.repeated++;
      report.repeatOutcomes[res.outcome] = (report.repeatOutcomes[res.outcome] ?? 0) + 1;
    }
    if (ready.length < left.length) {
      const wait = Math.min(40_000, Math.max(...left.map((r) => (r.leaseUntil ?? now) - now)) + 500);
      log(`6: waiting ${Math.round(wait / 1000)} s for ${left.length - ready.length} refund lease(s) to expire`);
      await sleep(wait);
    }
  }
  if ((await openRefunds(db, prefix)).length > 0) report.reconcileRuns.push(await admin.call('runReconciliation', {}));
  report.waitedMs = Date.now() - started;
  return report;
}

/**
 * Refunds `payments` (`{ transactionId, amount }`, major units, succeeded) through refundPayment by bench
 * admins, at most `ratePerSec` calls a second spread over the `phases` (`phaseMs` each) as they cycle, then
 * resolves (as `admin`) and reconciles.
 */
export async function runRefundPhase({ admin, simulator, db, tag, payments, phases, phaseMs, ratePerSec, log }) {
  const admins = ADMINS > 1 ? await benchPayers(ADMINS, { admins: true }) : [admin];
  try {
    return await refundUnderFaults({ admin, admins, simulator, db, tag, payments, phases, phaseMs, ratePerSec, log });
  } finally {
    await Promise.all(admins.filter((a) => a !== admin).map((a) => a.close().catch(() => undefined)));
  }
}

async function refundUnderFaults({ admin, admins, simulator, db, tag, payments, phases, phaseMs, ratePerSec, log }) {
  const planned = plannedRefunds(payments, tag);
  const count = Math.min(planned.length, (phases.length * phaseMs * ratePerSec) / 1000);
  // At most ratePerSec calls a second, spread over every phase when there are fewer refunds than that.
  const intervalMs = Math.max(1000 / ratePerSec, (phases.length * phaseMs) / Math.max(1, count));
  const payloads = new Map(planned.map((p) => [p.refundId, p]));
  await simulator.setFaults({ mode: 'none' });
  await admin.call('resetCircuitBreakers', {});
  // Warm refundPayment workers with refusals that reach no provider (no such payment).
  let w = 0;
  const warm = () =>
    admins[w % admins.length].call('refundPayment', {
      transactionId: `${tag}_none${w}`,
      refundId: `${tag}_warm${w++}`,
    });
  await closedLoop({ n: WARM_REFUND_WORKERS * 2, concurrency: WARM_REFUND_WORKERS, op: () => warm().catch(() => 0) });
  await sleep(1100);
  const start = performance.now();
  const rel = () => performance.now() - start;
  const phaseOf = (at) => phases[Math.min(phases.length - 1, Math.floor(at / phaseMs))].name;
  const faults = (async () => {
    for (const [k, phase] of phases.entries()) {
      await sleep(k * phaseMs - rel());
      await simulator.setFaults(phase.faults);
      log(`6: refunds t=${Math.round(rel() / 1000)} s: ${phase.name}`);
    }
  })();
  const calls = await openLoop({
    count,
    start,
    intervalMs,
    op: (i, at) => refundCall(admins[i % admins.length], planned[i], phaseOf(at), at),
  });
  await faults;
  const endedAt = rel();
  await simulator.setFaults({ mode: 'none' });
  const before = reconcileRefunds(await fetchRefundLedgers(db, simulator, tag));
  log(
    `6: ${calls.length} refund calls in ${Math.round(endedAt / 1000)} s; ${before.unresolved.length} open; resolving`,
  );
  const resolution = await resolveRefunds({ db, admin, prefix: tag, payloads, log });
  const ledgers = await fetchRefundLedgers(db, simulator, tag);
  return {
    calls,
    before,
    after: reconcileRefunds(ledgers),
    resolution,
    endedAt,
    refundRequests: ledgers.refundRequests,
    admins: admins.length,
    intervalMs,
  };
}

/** What section 6 reports of the refund phase: checks, a table of outcomes by phase, notes. */
export function refundReport(
  { calls, before, after, resolution, endedAt, refundRequests, admins, intervalMs },
  phaseNames,
) {
  const outcomes = [...new Set(calls.map((c) => c.outcome))].sort();
  const inPhase = (p) => calls.filter((c) => c.phase === p);
  const pct = (list) => {
    // A phase the refunds did not reach (fewer refunds than phases) has no latency to show.
    if (list.length === 0) return 'no calls';
    const l = new Latencies();
    for (const c of list) l.record(c.ms);
    const p = l.percentiles();
    return `${fmtMs(p.p50)} / ${fmtMs(p.p99)}`;
  };
  const sent = (list) => String(list.reduce((n, c) => n + (refundRequests[c.refundId] ?? 0), 0));
  const rows = outcomes.map((o) => [
    o,
    ...phaseNames.map((p) => String(inPhase(p).filter((c) => c.outcome === o).length)),
    String(calls.filter((c) => c.outcome === o).length),
  ]);
  rows.push(['latency p50 / p99', ...phaseNames.map((p) => pct(inPhase(p))), pct(calls)]);
  rows.push(['POST /refund requests at the provider', ...phaseNames.map((p) => sent(inPhase(p))), sent(calls)]);
  const wrong = after.missing + after.misrecorded + after.phantom;
  const exact = after.problems.length === 0 && after.unresolved.length === 0;
  // Expected under faults: failed (nothing refunded) or unknown (resolved later), or a refusal by the ledger's rules.
  const unexpected = calls.filter(
    (c) =>
      c.code !== undefined &&
      !(c.detailsStatus === 'failed' || c.detailsStatus === 'unknown' || c.code === 'failed-precondition'),
  ).length;
  return {
    checks: [
      {
        name: 'refunds executed twice',
        target: '0',
        value: String(after.executedTwice),
        pass: after.executedTwice === 0,
      },
      {
        name: 'provider refunds missing from or mis-recorded in the refund records',
        target: '0',
        value: String(wrong),
        pass: wrong === 0,
      },
      {
        name: "payments whose refundedAmount is not the provider's total",
        target: '0',
        value: String(after.totalsWrong),
        pass: after.totalsWrong === 0,
      },
      {
        name: 'refunds left unknown/pending after resolution',
        target: '0',
        value: `${after.unresolved.length} (${before.unresolved.length} before)`,
        pass: after.unresolved.length === 0,
      },
      {
        name: 'refund calls failed other than unavailable/unknown/failed-precondition',
        target: '0',
        value: String(unexpected),
        pass: unexpected === 0,
      },
      {
        name: 'refund reconciliation',
        target: 'exact',
        value: exact
          ? `exact: ${after.refunds} provider refunds, each matching its record; ${after.records} records (${JSON.stringify(after.byStatus)}), none open`
          : `${after.problems.length} problem(s)`,
        pass: exact,
      },
    ],
    table: {
      title: 'Refund phase: outcomes by phase (status, or callable error code with details.status)',
      headers: ['outcome', ...phaseNames, 'total'],
      rows,
    },
    notes: [
      `Refund phase: ${calls.length} refundPayment calls round-robin over ${admins} admin(s), one every ${fmtMs(intervalMs)} (spread over the phases), over the payments that succeeded above (every other one in full, the others in two parts: half, then the rest, each part its own refundId and call, so the two may race), while the provider cycled the same faults; all had answered ${fmtMs(endedAt)} after the start. Resolution: ${resolution.repeated} call(s) repeated with the same refundId (${
        Object.entries(resolution.repeatOutcomes)
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ') || 'none needed'
      }), ${resolution.reconcileRuns.length ? `then runReconciliation: ${JSON.stringify(resolution.reconcileRuns)}` : 'runReconciliation not needed'}; took ${fmtMs(resolution.waitedMs)}.`,
      ...(after.problems.length ? [`Refund problems: ${after.problems.slice(0, 10).join('; ')}`] : []),
    ],
  };
}
