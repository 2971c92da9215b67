// Report of the load test (loadtest.mjs): outcome counts and latency by phase,
// breaker transitions, and the reconciliation before and after resolution.
import { Latencies } from './lib/measure.mjs';
import { refundReport } from './loadtestRefunds.mjs';
import { fmtMs, fmtNum } from './report.mjs';

/** The bench section of a finished load test: checks, tables and notes. */
export function summarize({
  calls,
  phaseMs,
  changes,
  stats,
  before,
  after,
  resolution,
  told,
  endedAt,
  chargeRequests,
  phaseNames,
  ratePerSec,
  workers,
  warm,
  payers,
  provider = 'generic',
  requestsLabel,
  refunds = null,
}) {
  const refunded = refunds ? refundReport(refunds, phaseNames) : null;
  const outcomes = [...new Set(calls.map((c) => c.outcome))].sort();
  const countRows = outcomes.map((o) => [
    o,
    ...phaseNames.map((p) => String(calls.filter((c) => c.phase === p && c.outcome === o).length)),
    String(calls.filter((c) => c.outcome === o).length),
  ]);
  const latRow = (label, pick) => [
    label,
    ...phaseNames.map((p) => pick(calls.filter((c) => c.phase === p))),
    pick(calls),
  ];
  const pct = (list) => {
    const l = new Latencies();
    for (const c of list) l.record(c.ms);
    const p = l.percentiles();
    return `${fmtMs(p.p50)} / ${fmtMs(p.p99)}`;
  };
  countRows.push(latRow('latency p50 / p99', pct));
  // Attempts that reached the provider (POST /charge with this call's Idempotency-Key, resolution repeats included).
  countRows.push(
    latRow(requestsLabel, (list) => String(list.reduce((n, c) => n + (chargeRequests[c.transactionId] ?? 0), 0))),
  );
  const breaker = stats?.services?.['payment-service'];
  const outageAttempts = calls
    .filter((c) => c.phase === 'outage')
    .reduce((n, c) => n + (chargeRequests[c.transactionId] ?? 0), 0);
  const exact = after.problems.length === 0 && after.unresolved.length === 0;
  // Expected under faults: unavailable / resource-exhausted (failed: nothing charged) and
  // deadline-exceeded (unknown: resolved later). Anything else, or a deadline-exceeded
  // without details (the client SDK's own timeout), is unexpected.
  const unexpected = calls.filter(
    (c) => c.code !== undefined && !(c.detailsStatus === 'failed' || c.detailsStatus === 'unknown'),
  ).length;
  return {
    id: 6,
    title: provider === 'stripe' ? 'Load test with faults (Stripe fake)' : 'Load test with faults',
    target: `${(phaseNames.length * phaseMs) / 1000} s at ${ratePerSec} calls/s through processPayment while the provider (${provider === 'stripe' ? 'the Stripe fake, PAYMENT_PROVIDER=stripe' : 'the payment simulator'}) cycles ${phaseNames.join(' -> ')} (${phaseMs / 1000} s each): every outcome counted, breaker transitions shown, and the provider's ledger reconciled exactly against Firestore payments (no double charge, no charged payment missing or mis-recorded) once unknown records are resolved.${refunds ? " Then the succeeded payments are refunded (refundPayment, in full or in two parts) at the same rate under the same faults, and the provider's refunds reconciled exactly against the refund records and every payment's refundedAmount." : ''}`,
    checks: [
      { name: 'keys charged twice', target: '0', value: String(after.doubleCharges), pass: after.doubleCharges === 0 },
      {
        name: 'charges missing from or mis-recorded in payments',
        target: '0',
        value: String(after.missing + after.misrecorded + after.phantom),
        pass: after.missing + after.misrecorded + after.phantom === 0,
      },
      {
        name: 'records left unknown/pending after resolution',
        target: '0',
        value: `${after.unresolved.length} (${before.unresolved.length} before)`,
        pass: after.unresolved.length === 0,
      },
      { name: 'answers contradicted by the ledgers', target: '0', value: String(told.length), pass: told.length === 0 },
      ...(refunded?.checks ?? []),
      {
        name: 'calls failed other than unavailable/unknown payment errors',
        target: '0',
        value: String(unexpected),
        pass: unexpected === 0,
      },
      {
        name: 'reconciliation',
        target: 'exact',
        value: exact
          ? `exact: ${after.charges} provider charges, each matching its record; ${after.records} records, none unresolved`
          : `${after.problems.length} problem(s)`,
        pass: exact,
      },
    ],
    tables: [
      {
        title: `Outcomes by phase (status, or callable error code with details.status)`,
        headers: ['outcome', ...phaseNames, 'total'],
        rows: countRows,
      },
      {
        title: 'Breaker `breakers/payment-service` (polled every 250 ms; s from the start)',
        headers: ['at', 'state', 'generation', 'failure rate that opened it', 'calls in that window'],
        rows: changes.map((c) => [
          `${(c.at / 1000).toFixed(1)} s`,
          c.state,
          String(c.generation ?? ''),
          c.state === 'open' ? `${c.failureRate} %` : '',
          c.state === 'open' ? String(c.calls) : '',
        ]),
      },
      {
        title: 'Reconciliation',
        headers: ['measure', 'before resolution', 'after resolution'],
        rows: [
          ['provider charges (succeeded + declined)', String(before.charges), String(after.charges)],
          ['payments records', String(before.records), String(after.records)],
          ['records by status', JSON.stringify(before.byStatus), JSON.stringify(after.byStatus)],
          ['keys charged twice', String(before.doubleCharges), String(after.doubleCharges)],
          ['charges without a record', String(before.missing), String(after.missing)],
          [
            'records disagreeing with the provider',
            String(before.misrecorded + before.phantom),
            String(after.misrecorded + after.phantom),
          ],
          [
            'records unknown/pending (maybe charged)',
            String(before.unresolved.length),
            String(after.unresolved.length),
          ],
        ],
      },
      ...(refunded ? [refunded.table] : []),
    ],
    notes: [
      `Functions emulator workers: it serves one request per worker process and starts a new one whenever none is idle (firebase-tools' RuntimeWorkerPool), and a cold worker takes seconds on this machine, so open-loop traffic against cold workers starts dozens at once and they starve each other (a cold run of this test started 53 workers, p50 39 s). ${warm ? `The test therefore first warmed ${workers.warmed - workers.before} processPayment workers (${fmtMs(warm.ms)}, ${warm.failures} warm-up call(s) failed), as min instances would in production;` : 'This run was cold (BENCH_LOADTEST_WARM=0);'} ${workers.after} workers had served calls by the end (${workers.before} before the test). Calls go round-robin over ${payers} signed-in user(s), so each user pays about ${fmtNum(ratePerSec / payers, 1)} times a second (per-user limits: the test settings of scripts/emulator-config.mjs, which the bench's emulator config uses).`,
      `${calls.length} calls, one every ${1000 / ratePerSec} ms (open loop: calls start on schedule whatever the previous ones are doing), each with its own transactionId, every 10th ${provider === 'stripe' ? 'with pm_card_chargeDeclined (the others pm_card_visa)' : 'with an amount the simulator declines'}; the last call started at ${fmtMs(calls[calls.length - 1]?.at ?? 0)} and all had answered ${fmtMs(endedAt)} after the start. The phase of a call is the one in force when it started.`,
      `getConnectionPoolStats as admin right after the run: breaker ${breaker ? `${breaker.breaker?.state}` : 'n/a'}; fleet pool ${breaker?.pool ? `requests ${breaker.pool.requests}, failures ${breaker.pool.failures}, timeouts ${breaker.pool.timeouts}, sockets created ${breaker.pool.socketsCreated}` : 'n/a'}; ${stats?.instances?.length ?? 0} live instance snapshot(s).`,
      `Resolution: ${resolution.repeated} call(s) repeated with the same transactionId (${
        Object.entries(resolution.repeatOutcomes)
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ') || 'none needed'
      }), ${resolution.reconcileRuns.length ? `then runReconciliation: ${JSON.stringify(resolution.reconcileRuns)}` : 'runReconciliation not needed'}; took ${fmtMs(resolution.waitedMs)}.`,
      ...(before.unresolved.length === 0 && provider === 'generic'
        ? [
            'No record was left unknown. A payment stays unknown only when an attempt may have reached the provider and the follow-up lookup (GET /charge/<id>) cannot answer either; here the 5xx answers were followed by lookups answering 404 (recorded as not charged)' +
              (outageAttempts === 0
                ? ', and during the outage the breaker was already open, so calls were refused before any attempt (not charged).'
                : '.') +
              ' The resolution step therefore had nothing to resolve.',
          ]
        : []),
      `The app's breaker settings apply (CIRCUIT_OPEN_MS 30 s, CIRCUIT_MIN_CALLS 5, 50 % over 10 s, per instance), so once the breaker opens it stays open 30 s before a probe: with ${phaseMs / 1000} s phases the "healthy again" phase can fall inside that time and answer unavailable (nothing charged) until a probe closes the breaker.`,
      ...(after.problems.length
        ? [
            `Problems: ${after.problems.slice(0, 10).join('; ')}${after.problems.length > 10 ? ` (+${after.problems.length - 10} more)` : ''}`,
          ]
        : []),
      ...(told.length ? [`Contradicted answers: ${told.slice(0, 10).join('; ')}`] : []),
      ...(refunded?.notes ?? []),
    ],
  };
}
