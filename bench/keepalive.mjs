// Item 2: sockets opened and throughput for 1,000 requests through the
// project's keep-alive pool vs the same requests without keep-alive, over HTTPS.
import { chargeBody, PAYMENT_SERVICE, projectProvider, rawAxios, sendCharge, SETTINGS } from './lib/clients.mjs';
import { closedLoop, median, rotate, spread } from './lib/measure.mjs';
import { fmtMs, fmtNum, fmtRatio, fmtSpread } from './report.mjs';

const N = 1000;
const MODES = [
  { name: 'sequential', concurrency: 1 },
  { name: 'concurrency 50', concurrency: 50 },
];
const POOL = 'pool (keep-alive)';
const NONE = 'no keep-alive';
const VARIANTS = [POOL, NONE];

/** One cold run: a fresh pool (or agent), a reset simulator, then its connection count. */
async function coldRun(variant, mode, sim, apiKey, tag, n) {
  await sim.reset();
  let client;
  let op;
  let poolStats = () => null;
  if (variant === POOL) {
    const { pool, provider } = projectProvider(sim.url, apiKey, sim.ca);
    client = { destroy: () => pool.destroy() };
    poolStats = () => pool.stats(PAYMENT_SERVICE);
    op = async (i) => {
      const answer = await sendCharge(provider, chargeBody(tag, i), SETTINGS.attemptTimeoutMs);
      if (answer.kind !== 'succeeded') throw new Error(`unexpected answer ${answer.kind}`);
    };
  } else {
    // Same limit of 10 sockets, but each request gets its own connection. Node's
    // agent still reuses a socket for a queued request unless the request says
    // Connection: close (keepAlive: false alone only drops idle sockets).
    client = rawAxios(
      sim.url,
      apiKey,
      { keepAlive: false, maxSockets: SETTINGS.maxSockets },
      { Connection: 'close' },
      sim.ca,
    );
    op = (i) => client.post(chargeBody(tag, i));
  }
  try {
    const res = await closedLoop({ n, concurrency: mode.concurrency, op });
    const stats = await sim.stats();
    // The stats request opened one connection of its own (control calls never reuse one).
    return {
      ...res,
      socketsOpened: stats.connectionsOpened - 1,
      poolSocketsCreated: poolStats()?.socketsCreated ?? null,
    };
  } finally {
    client.destroy();
  }
}

/** Section 2 over HTTPS: `sim` is the simulator started with TLS (bench/lib/simulator.mjs). */
export async function runKeepAlive({ sim, apiKey, quick, smoke = false, log }) {
  const rounds = quick ? 1 : 3;
  const n = smoke ? 100 : N;
  let seq = 0;
  const tag = () => `b2_${process.pid}_${seq++}`;
  for (const mode of MODES) for (const v of VARIANTS) await coldRun(v, mode, sim, apiKey, tag(), n);
  const results = Object.fromEntries(MODES.map((m) => [m.name, { [POOL]: [], [NONE]: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const mode of MODES) {
      for (const v of rotate(VARIANTS, r)) results[mode.name][v].push(await coldRun(v, mode, sim, apiKey, tag(), n));
    }
    log(`2: round ${r + 1}/${rounds} done`);
  }
  await sim.reset();

  const rows = [];
  const checks = [];
  let worstSockets = 0;
  let failures = 0;
  const agreed = [];
  for (const mode of MODES) {
    const { [POOL]: pool, [NONE]: none } = results[mode.name];
    const ratios = pool.map((p, r) => p.opsPerSec / none[r].opsPerSec);
    const ratio = median(ratios);
    worstSockets = Math.max(worstSockets, ...pool.map((p) => p.socketsOpened));
    failures += [...pool, ...none].reduce((n, x) => n + x.failures, 0);
    agreed.push(...pool.map((p) => p.poolSocketsCreated));
    for (const v of VARIANTS) {
      const runs = results[mode.name][v];
      rows.push([
        mode.name,
        v,
        runs.map((x) => x.socketsOpened).join(', '),
        fmtNum(median(runs.map((x) => x.opsPerSec)), 0),
        fmtMs(median(runs.map((x) => x.p50))),
        fmtMs(median(runs.map((x) => x.p99))),
        v === NONE ? '1 (baseline)' : `${fmtRatio(ratio)} ${fmtSpread(spread(ratios))}`,
        String(runs.reduce((n, x) => n + x.failures, 0)),
      ]);
    }
    checks.push({
      name: `${mode.name}: throughput vs no keep-alive`,
      target: '>= 2.00x',
      value: fmtRatio(ratio),
      pass: ratio >= 2,
    });
  }
  checks.unshift({
    name: 'sockets opened by the pool per 1,000 requests (worst run)',
    target: `<= ${SETTINGS.maxSockets}`,
    value: String(worstSockets),
    pass: worstSockets <= SETTINGS.maxSockets,
  });
  checks.push({ name: 'failed requests', target: '0', value: String(failures), pass: failures === 0 });
  return {
    id: 2,
    title: 'Keep-alive (HTTPS)',
    target: `Over HTTPS, 1,000 requests through the pool open at most VUE_APP_MAX_CONNECTIONS (${SETTINGS.maxSockets}) sockets, at >= 2x the throughput without keep-alive.`,
    checks,
    tables: [
      {
        headers: [
          'mode',
          'variant',
          'sockets opened (per round)',
          'ops/s',
          'p50',
          'p99',
          'ops/s vs no keep-alive [min-max]',
          'failed',
        ],
        rows,
      },
    ],
    notes: [
      `${n} POST /charge per run, sequential and at concurrency 50, ${rounds} interleaved round(s) after a warm-up; every run starts cold (new pool or agent, simulator counters reset), so connection set-up is counted. Sockets = the simulator's connectionsOpened (minus the stats request's own); the pool's own socketsCreated counter agreed: ${agreed.join(', ')}.`,
      `"No keep-alive" = axios on an http.Agent with keepAlive: false, the same maxSockets ${SETTINGS.maxSockets} and Connection: close, so every request opens and closes a TCP connection (the simulator's count shows it). "Pool" = HttpPoolManager.makeRequest via GenericProvider.charge (no breaker).`,
      "Over TLS: the simulator serves HTTPS with a CA and a server certificate (ECDSA P-256) generated at its start-up (devtools/payment-simulator/tls.ts, the selfsigned package); both clients trust that CA through the agent's ca option (AgentSettings.ca / GenericProvider ca), with certificate verification on. So every new connection pays a full TLS handshake, as against the real provider; over loopback there is no network round trip, which the real provider adds on top (keep-alive saves more there).",
    ],
  };
}
