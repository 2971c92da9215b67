// What one request of each section-1 client costs besides CPU time, in interleaved rounds in one
// process (docs/profile-section1.md, fifth pass): the main thread's and V8's helper threads' CPU
// (/proc/self/task/*/schedstat, ns), system calls (/proc/self/io syscr/syscw), event-loop iterations
// and events (libuv metrics), heap allocation (v8.GCProfiler), new sockets and context switches, each
// per request, and GCs per run (counting the full GC closedLoop runs before it). Ratios against raw
// axios are the median of the per-round ratios with the quartiles beside it, so a difference can be
// told from the round-to-round spread.
//   node bench/counters.mjs [--variants=raw,opossum,pool,provider,project] [--n=600]
//                           [--concurrency=50] [--rounds=20]
// Uses the workspace's functions/lib: build first (npm run build -w functions).
import dc from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { chargeBody, opossum, poolPath, projectPath, providerPath, rawAxios } from './lib/clients.mjs';
import { closedLoop, median, rotate } from './lib/measure.mjs';
import { startSimulator } from './lib/simulator.mjs';

const MAKERS = { raw: rawAxios, opossum, pool: poolPath, provider: providerPath, project: projectPath };
const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: 'raw,opossum,pool,provider,project' },
    n: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '20' },
  },
});
const names = values.variants.split(',');
for (const v of names) if (!MAKERS[v]) throw new Error(`unknown variant ${v}: one of ${Object.keys(MAKERS)}`);
if (names[0] !== 'raw') throw new Error('the first variant must be raw (the baseline of the ratios)');
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);

let socketsOpened = 0;
dc.subscribe('net.client.socket', () => socketsOpened++);

/** CPU time so far, ns: the main thread's and the sum of every other thread's (V8's GC and compiler helpers). */
function threadCpu() {
  let main = 0;
  let helpers = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    if (tid === String(process.pid)) main += ns;
    else helpers += ns;
  }
  return { main, helpers };
}

/** Read and write system calls so far (/proc/self/io). */
function syscalls() {
  const io = Object.fromEntries(
    readFileSync('/proc/self/io', 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ')),
  );
  return { reads: Number(io.syscr), writes: Number(io.syscw) };
}

function counters() {
  const ru = process.resourceUsage();
  const uv = performance.nodeTiming.uvMetricsInfo;
  return {
    ...threadCpu(),
    ...syscalls(),
    loops: uv.loopCount,
    events: uv.events,
    sockets: socketsOpened,
    voluntary: ru.voluntaryContextSwitches,
    involuntary: ru.involuntaryContextSwitches,
  };
}

const apiKey = `bench_${randomBytes(12).toString('hex')}`;
const sim = await startSimulator(apiKey);
const clients = Object.fromEntries(names.map((v) => [v, MAKERS[v](sim.url, apiKey)]));
let seq = 0;

/** One closed-loop run of `variant`, with each counter per request. */
async function run(variant) {
  const tag = `ctr_${process.pid}_${seq++}`;
  const gc = new v8.GCProfiler();
  const before = counters();
  gc.start();
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  const res = await closedLoop({ n, concurrency, op: (i) => clients[variant].post(chargeBody(tag, i)) });
  const heapAfter = v8.getHeapStatistics().used_heap_size;
  const { statistics } = gc.stop();
  const after = counters();
  await sim.reset();
  // Allocated = what each GC found in use minus what the previous one left, plus the growth since the last.
  let allocated = 0;
  let left = heapBefore;
  for (const s of statistics) {
    allocated += s.beforeGC.heapStatistics.usedHeapSize - left;
    left = s.afterGC.heapStatistics.usedHeapSize;
  }
  allocated += heapAfter - left;
  const per = (key, unit = 1) => (after[key] - before[key]) / unit / n;
  return {
    opsPerSec: res.opsPerSec,
    p50Ms: res.p50,
    mainUs: per('main', 1000),
    helpersUs: per('helpers', 1000),
    reads: per('reads'),
    writes: per('writes'),
    loops: per('loops'),
    events: per('events'),
    socketsOpened: after.sockets - before.sockets,
    voluntarySwitches: per('voluntary'),
    involuntarySwitches: per('involuntary'),
    allocatedKB: allocated / 1024 / n,
    gcs: statistics.length,
    failures: res.failures,
  };
}

for (const v of names) await run(v); // warm-up
const results = Object.fromEntries(names.map((v) => [v, []]));
for (let r = 0; r < rounds; r++) for (const v of rotate(names, r)) results[v].push(await run(v));
for (const c of Object.values(clients)) c.destroy();
await sim.stop();

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))];
const keys = Object.keys(results.raw[0]);
console.log(`n=${n} concurrency=${concurrency} rounds=${rounds} load=${loadavg()[0].toFixed(2)}`);
console.log(['variant', ...keys].join('\t'));
for (const v of names) {
  const row = keys.map((k) => Number(median(results[v].map((x) => x[k])).toPrecision(4)));
  console.log([v, ...row].join('\t'));
}
for (const v of names.slice(1)) {
  const ratios = results[v].map((x, r) => x.mainUs / results.raw[r].mainUs);
  const [q1, q2, q3] = [0.25, 0.5, 0.75].map((q) => quantile(ratios, q).toFixed(3));
  console.log(`${v}: main-thread CPU vs raw axios ${q2} (quartiles ${q1}-${q3})`);
}
