// Adaptive concurrency limit under a provider slowdown. The simulator's
// loadLatencyMs makes each answer slower the more requests the provider is
// already working on (and it keeps working on requests whose client gave up),
// so sending more at once only makes every answer later. 10 callers drive
// GenericProvider.charge through the project's pool (cap 10 sockets, 1 s
// attempt deadline): healthy, then slow, then healthy again; once with the
// fixed cap (ADAPTIVE_LIMITS=false), once with the adaptive limit.
// Section 9 of scripts/bench.mjs (`npm run bench -- --only=9`).
import { lib } from './lib/project.mjs';
import { sleep } from './lib/measure.mjs';
import { fmtNum } from './report.mjs';

const { HttpPoolManager } = lib('resilience/http/httpPool.js');
const { GenericProvider } = lib('payments/provider/genericProvider.js');
const { PAYMENT_SERVICE } = lib('payments/provider/paymentProvider.js');

const CALLERS = 10;
const TIMEOUT_MS = 1000;
const HEALTHY = { mode: 'latency', latencyMs: 20 };
const SLOW = { mode: 'latency', latencyMs: 20, loadLatencyMs: 150 };

/** One run of the three phases; per phase: answers, sent timeouts, never-sent, the limit's lowest and last value. */
async function drive({ sim, apiKey, adaptive, phases, tag }) {
  const http = new HttpPoolManager();
  const provider = new GenericProvider(http, {
    baseUrl: sim.url,
    apiKey,
    maxSockets: CALLERS,
    attemptTimeoutMs: TIMEOUT_MS,
    limit: { min: 2, adaptive },
  });
  const limit = () => http.limitView(PAYMENT_SERVICE).limit;
  const results = [];
  let n = 0;
  try {
    for (const phase of phases) {
      await sim.setFaults(phase.faults);
      const r = { name: phase.name, ok: 0, sentTimeouts: 0, neverSent: 0, other: 0, minLimit: limit(), endLimit: 0 };
      const until = Date.now() + phase.ms;
      const caller = async () => {
        while (Date.now() < until) {
          const id = `${tag}_${n++}`;
          const req = { transactionId: id, uid: 'bench', amount: 100, currency: 'USD', paymentMethod: 'credit_card' };
          const a = await provider.charge(id, req, TIMEOUT_MS);
          if (a.kind === 'succeeded') r.ok++;
          else if (a.kind === 'no-answer' && a.sent) r.sentTimeouts++;
          else if (a.kind === 'no-answer') r.neverSent++;
          else r.other++;
          r.minLimit = Math.min(r.minLimit, limit());
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, caller));
      r.endLimit = limit();
      results.push(r);
    }
  } finally {
    http.destroy();
  }
  return results;
}

/** The bench section: the two runs one after the other on the same simulator, each after a reset and a drain. */
export async function runAdaptive({ sim, apiKey, quick, smoke = false, log, id = 9 }) {
  const scale = smoke ? 0.1 : quick ? 0.5 : 1;
  const phases = [
    { name: 'healthy', faults: HEALTHY, ms: 3000 * scale },
    { name: `slow (+${SLOW.loadLatencyMs} ms per request in progress)`, faults: SLOW, ms: 10_000 * scale },
    { name: 'healthy again', faults: HEALTHY, ms: 4000 * scale },
  ];
  const runs = {};
  for (const adaptive of [false, true]) {
    await sim.reset();
    await sleep(smoke ? 1000 : 3000); // requests the provider still works on from the last run end first
    log(`adaptive limit: ${adaptive ? 'adaptive' : 'fixed cap'} run`);
    runs[adaptive ? 'adaptive' : 'fixed'] = await drive({
      sim,
      apiKey,
      adaptive,
      phases,
      tag: `b7_${adaptive}_${process.pid}`,
    });
  }
  await sim.setFaults({ mode: 'none' });
  const [fh, fs, fr] = runs.fixed;
  const [ah, as, ar] = runs.adaptive;
  const ratio = fs.sentTimeouts > 0 ? as.sentTimeouts / fs.sentTimeouts : null;
  return {
    id,
    title: 'Adaptive concurrency limit under a provider slowdown',
    target:
      `With ${CALLERS} callers and a provider whose answers slow down with its load: the limit stays at the cap (${CALLERS}) while healthy, ` +
      'falls during the slowdown with fewer requests left unanswered (maybe charged) than with the fixed cap, and is back at the cap once latency recovers.',
    checks: [
      {
        name: 'limit while healthy',
        target: `${CALLERS}`,
        value: `${ah.minLimit}-${ah.endLimit}`,
        pass: ah.minLimit === CALLERS,
      },
      {
        name: 'lowest limit while slow',
        target: `< ${CALLERS}`,
        value: String(as.minLimit),
        pass: as.minLimit < CALLERS,
      },
      {
        name: 'sent requests timed out while slow, adaptive vs fixed cap',
        target: '< 1.00x',
        value: `${as.sentTimeouts} vs ${fs.sentTimeouts} (${ratio === null ? 'n/a' : `${fmtNum(ratio, 2)}x`})`,
        pass: ratio !== null && ratio < 1,
      },
      { name: 'limit after recovery', target: `${CALLERS}`, value: String(ar.endLimit), pass: ar.endLimit === CALLERS },
    ],
    tables: [
      {
        title:
          'Per phase: answers, requests sent and unanswered within 1 s (maybe charged), requests never sent (waited for a slot past their deadline), limit',
        headers: [
          'phase',
          'fixed: charged',
          'fixed: sent, timed out',
          'adaptive: charged',
          'adaptive: sent, timed out',
          'adaptive: never sent',
          'adaptive limit (lowest / end)',
        ],
        rows: [
          [fh, ah],
          [fs, as],
          [fr, ar],
        ].map(([f, a]) => [
          a.name,
          f.ok,
          f.sentTimeouts,
          a.ok,
          a.sentTimeouts,
          a.neverSent,
          `${a.minLimit} / ${a.endLimit}`,
        ]),
      },
    ],
    notes: [
      'A request that never got a slot was never sent: certainly not charged, and not counted against the provider. ' +
        'A sent request that timed out may be charged and needs a lookup or reconciliation.',
    ],
  };
}
