// Item 3: fail-fast. (a) With the provider hanging, how long a call takes to
// be rejected once the breaker is open, against the 5 s attempt deadline.
// (b) How many requests reach the provider during an outage at 20 calls/s
// from two instances (two FleetCircuitBreakers sharing one store).
import { performance } from 'node:perf_hooks';
import { chargeBody, MemoryBreakerStore, projectPath, SETTINGS } from './lib/clients.mjs';
import { closedLoop, codeOf, Latencies, openLoop, sleep } from './lib/measure.mjs';
import { fmtMs, fmtNum, fmtRatio } from './report.mjs';

const RATE_PER_SEC = 20;

async function rejections({ sim, apiKey, quick, smoke = false, log }) {
  await sim.reset();
  await sim.setFaults({ mode: 'hang' });
  const path = projectPath(sim.url, apiKey);
  const tag = `b3a_${process.pid}`;
  try {
    const t0 = performance.now();
    const opening = await Promise.allSettled(
      Array.from({ length: SETTINGS.breaker.minCalls }, (_, i) => path.attempt(chargeBody(tag, i))),
    );
    const openedAfterMs = performance.now() - t0;
    const openingCodes = opening.map((r) => (r.status === 'rejected' ? codeOf(r.reason) : 'answered'));
    const state = path.breaker.snapshot().state;
    const before = (await sim.stats()).requests.charge;
    const n = smoke ? 200 : quick ? 2000 : 10_000;
    const rejected = (i) => path.attempt(chargeBody(tag, 100 + i));
    const seq = await closedLoop({ n, concurrency: 1, op: rejected });
    const conc = await closedLoop({ n, concurrency: 50, op: rejected });
    const reached = (await sim.stats()).requests.charge - before;
    log(`3a: breaker ${state} after ${Math.round(openedAfterMs)} ms; ${n} rejections, sequential p99 ${seq.p99} ms`);
    return { openedAfterMs, openingCodes, state, n, seq, conc, reached };
  } finally {
    path.destroy();
    await sim.setFaults({ mode: 'none' });
  }
}

/**
 * Two instances call at RATE_PER_SEC in turn (open loop): `leadMs` healthy,
 * `outageMs` of 503s, then `tailMs` healthy. Counts what reached the provider.
 */
async function outage({ sim, apiKey, leadMs, outageMs, openMs, tailMs, tag }) {
  await sim.reset();
  const store = new MemoryBreakerStore();
  const instances = ['A', 'B'].map((name) => ({
    name,
    ...projectPath(sim.url, apiKey, { store, breakerOptions: { openMs } }),
  }));
  const transitions = [];
  const marks = {};
  let start = performance.now();
  const rel = () => performance.now() - start;
  const goDown = async () => {
    marks.chargesAtStart = (await sim.stats()).requests.charge;
    await sim.setFaults({ mode: 'outage' });
    marks.outageStart = rel();
  };
  if (leadMs === 0) {
    await goDown();
    start = performance.now();
    marks.outageStart = 0;
  }
  for (const inst of instances) {
    inst.breaker.onTransition((e) =>
      transitions.push({ at: rel(), instance: inst.name, from: e.from, to: e.to, reason: e.reason }),
    );
  }
  const faults = (async () => {
    if (leadMs > 0) {
      await sleep(leadMs);
      await goDown();
    }
    await sleep(leadMs + outageMs - rel());
    await sim.setFaults({ mode: 'none' });
    marks.outageEnd = rel();
    marks.chargesAtEnd = (await sim.stats()).requests.charge;
  })();
  const count = Math.round(((leadMs + outageMs + tailMs) / 1000) * RATE_PER_SEC);
  try {
    const calls = await openLoop({
      count,
      start,
      intervalMs: 1000 / RATE_PER_SEC,
      op: async (i, at) => {
        const inst = instances[i % 2];
        const t0 = performance.now();
        try {
          const answer = await inst.attempt(chargeBody(tag, i));
          return { at, instance: inst.name, ms: performance.now() - t0, outcome: answer.kind };
        } catch (err) {
          return { at, instance: inst.name, ms: performance.now() - t0, outcome: codeOf(err) };
        }
      },
    });
    await faults;
    return summarizeOutage({ leadMs, outageMs, openMs, tailMs, count, calls, transitions, marks });
  } finally {
    for (const inst of instances) inst.destroy();
  }
}

function summarizeOutage(o) {
  const { outageStart, outageEnd } = o.marks;
  const during = o.calls.filter((c) => c.at >= outageStart && c.at < outageEnd);
  const rejected = during.filter((c) => c.outcome === 'BREAKER_OPEN');
  const lat = new Latencies();
  for (const c of rejected) lat.record(c.ms);
  const firstOk = o.calls.find((c) => c.at >= outageEnd && c.outcome === 'succeeded');
  return {
    ...o,
    duringCount: during.length,
    reached: o.marks.chargesAtEnd - o.marks.chargesAtStart,
    answered503: during.filter((c) => c.outcome === 'server-error').length,
    byInstance: Object.fromEntries(
      ['A', 'B'].map((n) => [n, during.filter((c) => c.instance === n && c.outcome !== 'BREAKER_OPEN').length]),
    ),
    rejected: rejected.length,
    openAfterMs: rejected.length ? rejected[0].at - outageStart : null,
    rejection: lat.percentiles(),
    recoveryMs: firstOk ? firstOk.at - outageEnd : null,
  };
}

export async function runFailFast(ctx) {
  const { sim, apiKey, quick, smoke = false, log } = ctx;
  const a = await rejections(ctx);
  // --quick compresses time by 3: a 10 s outage with CIRCUIT_OPEN_MS 10 s; --smoke by 10.
  const coldOutageMs = smoke ? 3000 : quick ? 10_000 : 30_000;
  const coldOpenMs = smoke ? 3000 : quick ? 10_000 : SETTINGS.breaker.openMs;
  log(`3b: ${coldOutageMs / 1000} s outage at ${RATE_PER_SEC} calls/s from 2 instances, empty window`);
  const cold = await outage({
    sim,
    apiKey,
    leadMs: 0,
    outageMs: coldOutageMs,
    openMs: coldOpenMs,
    tailMs: Math.max(3000, coldOpenMs - coldOutageMs + 3000),
    tag: `b3b_${process.pid}`,
  });
  const warmOutageMs = smoke ? 2000 : quick ? 8000 : 10_000;
  const warmLeadMs = smoke ? 2000 : SETTINGS.breaker.windowMs;
  log(`3c: ${warmLeadMs / 1000} s healthy, then a ${warmOutageMs / 1000} s outage`);
  const warm = await outage({
    sim,
    apiKey,
    leadMs: warmLeadMs,
    outageMs: warmOutageMs,
    openMs: SETTINGS.breaker.openMs,
    tailMs: 0,
    tag: `b3c_${process.pid}`,
  });
  await sim.reset();

  const { minCalls, halfOpenProbes, openMs } = SETTINGS.breaker;
  const probeWindows = Math.ceil(cold.outageMs / cold.openMs);
  const literalBound = minCalls + probeWindows * halfOpenProbes;
  const fleetBound = 2 * minCalls + probeWindows * halfOpenProbes;
  const scale =
    cold.openMs === openMs
      ? 'real time'
      : `time compressed ${openMs / cold.openMs}x: CIRCUIT_OPEN_MS ${cold.openMs / 1000} s`;
  const outageRow = (label, o) => [
    label,
    String(o.duringCount),
    `${o.reached} (A ${o.byInstance.A}, B ${o.byInstance.B})`,
    String(o.rejected),
    o.openAfterMs === null ? 'never' : fmtMs(o.openAfterMs),
    `${fmtMs(o.rejection.p50)} / ${fmtMs(o.rejection.p99)}`,
    o.tailMs === 0 ? '-' : o.recoveryMs === null ? `none within ${o.tailMs / 1000} s` : `+${fmtMs(o.recoveryMs)}`,
  ];

  return {
    id: 3,
    title: 'Fail-fast',
    target: `Once the breaker is open, rejections under 5 ms p99 in-process (vs the ${SETTINGS.attemptTimeoutMs} ms attempt timeout); during a ${cold.outageMs / 1000} s outage at ${RATE_PER_SEC} calls/s, requests reaching the provider no more than the breaker's minimum volume (CIRCUIT_MIN_CALLS ${minCalls}) plus the half-open probes, fleet-wide (two instances).`,
    checks: [
      {
        name: 'rejection p99 once open, one call at a time',
        target: '< 5 ms',
        value: `${fmtMs(a.seq.p99)} (${fmtRatio(a.seq.p99 / SETTINGS.attemptTimeoutMs)} of the 5 s timeout)`,
        pass: a.seq.p99 < 5 && a.state === 'open',
      },
      { name: 'rejection p99 once open, 50 calls in flight', target: 'reported', value: fmtMs(a.conc.p99), pass: null },
      {
        name: 'requests reaching the provider while rejecting',
        target: '0',
        value: String(a.reached),
        pass: a.reached === 0,
      },
      {
        name: `requests reaching the provider during the ${cold.outageMs / 1000} s outage (2 instances)`,
        target: `<= ${literalBound} (min volume ${minCalls} + ${probeWindows * halfOpenProbes} probe)`,
        value: `${cold.reached} (A ${cold.byInstance.A}, B ${cold.byInstance.B})`,
        pass: cold.reached <= literalBound,
      },
      {
        name: 'same, against the bound of per-instance windows',
        target: `<= ${fleetBound} (2 instances x ${minCalls} + ${probeWindows * halfOpenProbes} probe)`,
        value: String(cold.reached),
        pass: cold.reached <= fleetBound,
      },
      {
        name: `same, outage right after ${warm.leadMs / 1000} s of healthy traffic`,
        target: 'reported',
        value: String(warm.reached),
        pass: null,
      },
    ],
    tables: [
      {
        title: '(a) Rejections once open, provider hanging',
        headers: ['calls', 'p50', 'p99', 'p99 vs 5,000 ms timeout', 'ops/s', 'rejected BREAKER_OPEN'],
        rows: [
          [
            `${a.n} one at a time`,
            fmtMs(a.seq.p50),
            fmtMs(a.seq.p99),
            fmtRatio(a.seq.p99 / SETTINGS.attemptTimeoutMs),
            fmtNum(a.seq.opsPerSec, 0),
            String(a.seq.errors.BREAKER_OPEN ?? 0),
          ],
          [
            `${a.n} with 50 in flight`,
            fmtMs(a.conc.p50),
            fmtMs(a.conc.p99),
            fmtRatio(a.conc.p99 / SETTINGS.attemptTimeoutMs),
            fmtNum(a.conc.opsPerSec, 0),
            String(a.conc.errors.BREAKER_OPEN ?? 0),
          ],
        ],
      },
      {
        title: `(b) Outages at ${RATE_PER_SEC} calls/s, alternating between two instances`,
        headers: [
          'scenario',
          'calls during the outage',
          'reached the provider (per instance)',
          'rejected by the breaker',
          'first call refused after',
          'rejection p50 / p99',
          'first success after the outage',
        ],
        rows: [
          outageRow(`${cold.outageMs / 1000} s outage, empty window before (${scale})`, cold),
          outageRow(`${warm.outageMs / 1000} s outage after ${warm.leadMs / 1000} s healthy at the same rate`, warm),
        ],
      },
      {
        title: `Breaker transitions, ${cold.outageMs / 1000} s outage (ms from its start; healthy again at ${fmtMs(cold.marks.outageEnd)})`,
        headers: ['at', 'instance', 'from', 'to', 'reason'],
        rows: cold.transitions.map((t) => [fmtMs(t.at), t.instance, t.from, t.to, t.reason]),
      },
    ],
    notes: [
      `(a) ${minCalls} concurrent calls to the hanging provider hit the 5 s deadline (${[...new Set(a.openingCodes)].join(', ')}) and opened the breaker after ${fmtMs(a.openedAfterMs)}; the rejections that follow are timed in-process (MemoryBreakerStore, refreshed every 1 s as in production). With 50 calls in flight a call's latency also includes waiting for the 49 others on the event loop.`,
      `(b) Each instance is a FleetCircuitBreaker + HttpPoolManager with the app's settings (CIRCUIT_MIN_CALLS ${minCalls}, threshold 50 %, window 10 s, 1 half-open probe, CIRCUIT_OPEN_MS as stated); every call is one attempt (the handler's retries add attempts, each passing the same breaker). The outage answers 503 at once. "Reached the provider" is the simulator's POST /charge counter over the outage.`,
      `CIRCUIT_MIN_CALLS is counted per instance (each instance judges its own rolling window; only the transition is fleet-wide), so with two instances sending alternately the fleet makes up to 2 x ${minCalls} calls before one of them may open; the literal target (${literalBound}) assumes a single fleet-wide count.`,
      `The breaker opens on the failure rate (>= 50 %) of a 10 s window, so healthy calls made just before an outage must be outweighed first: after ${warm.leadMs / 1000} s of healthy traffic the outage took ${warm.openAfterMs === null ? 'longer than the run' : fmtMs(warm.openAfterMs)} to open the breaker and ${warm.reached} requests reached the provider. That is the behaviour of a rate-based breaker, not a defect; a count of consecutive failures would open sooner but also on short blips.`,
    ],
  };
}
