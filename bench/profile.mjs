// CPU profile of one section-1 request path against the simulator, summarised
// as the top frames by self time (docs/profile-section1.md records the output).
//   node bench/profile.mjs [--variant=project|raw|opossum] [--n=3000] [--concurrency=1] [--top=15] [--out=x.cpuprofile]
//   node bench/profile.mjs --from=x.cpuprofile [--top=15]   summarise a saved profile
// Uses the workspace's functions/lib: build first (npm run build -w functions).
// The profiler (node:inspector, the same sampler as `node --cpu-prof`) runs
// around the timed requests only, after a warm-up, so start-up is not counted.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/emulator-env.mjs';
import { chargeBody, opossum, projectPath, rawAxios } from './lib/clients.mjs';
import { closedLoop } from './lib/measure.mjs';
import { startSimulator } from './lib/simulator.mjs';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'project' },
    n: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '1' },
    top: { type: 'string', default: '15' },
    out: { type: 'string' },
    from: { type: 'string' },
  },
});
const makers = { project: projectPath, raw: rawAxios, opossum };
const make = makers[values.variant];
if (!make) throw new Error(`--variant must be one of ${Object.keys(makers).join(', ')}`);
const n = Number(values.n);
const concurrency = Number(values.concurrency);

/**
 * Self time per function (name and source position) of a V8 CPU profile, the
 * largest first, as shares of the busy time (all samples but `(idle)`);
 * `projectShare` is the part spent in the project's own compiled code (functions/lib).
 */
function topFrames(profile, top) {
  const interval = new Map();
  // Each sample's duration is the next timeDelta (the last sample gets the mean).
  const deltas = profile.timeDeltas;
  const mean = (profile.endTime - profile.startTime) / Math.max(1, deltas.length);
  profile.samples.forEach((id, i) => {
    const dt = i + 1 < deltas.length ? deltas[i + 1] : mean;
    interval.set(id, (interval.get(id) ?? 0) + dt);
  });
  const byFrame = new Map();
  let busy = 0;
  let project = 0;
  for (const node of profile.nodes) {
    const us = interval.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    if (url.includes('/lib/') && !url.includes('node_modules') && !url.includes('/bench/')) project += us;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}\t${where}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + us);
  }
  const rows = [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [fn, where] = key.split('\t');
      return { fn, where, ms: us / 1000, share: us / busy };
    });
  return { busyMs: busy / 1000, projectShare: project / busy, rows };
}

function shortUrl(url) {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm !== -1) return path.slice(nm + 'node_modules/'.length);
  return path.startsWith('/') ? relative(ROOT, path) : path;
}

/** Prints the summary of `profile` as a Markdown table after `headline`. */
function print(headline, profile, top) {
  const { busyMs, projectShare, rows } = topFrames(profile, top);
  console.log(
    `${headline}${busyMs.toFixed(0)} ms busy in the profile, ` +
      `${(projectShare * 100).toFixed(1)} % of it in the project's own code (functions/lib)\n`,
  );
  console.log('| self time | share of busy | function | where |\n| ---: | ---: | --- | --- |');
  for (const r of rows)
    console.log(`| ${r.ms.toFixed(1)} ms | ${(r.share * 100).toFixed(1)} % | ${r.fn} | ${r.where} |`);
}

if (values.from) print('', JSON.parse(readFileSync(values.from, 'utf8')), Number(values.top));
else await profileRun();

async function profileRun() {
  const apiKey = `bench_${randomBytes(12).toString('hex')}`;
  const sim = await startSimulator(apiKey);
  const client = make(sim.url, apiKey);
  const session = new Session();
  try {
    const tag = `prof_${process.pid}`;
    await closedLoop({ n: 500, concurrency, op: (i) => client.post(chargeBody(`${tag}_w`, i)) });
    await sim.reset();
    const plain = await closedLoop({ n, concurrency, op: (i) => client.post(chargeBody(`${tag}_p`, i)) });
    await sim.reset();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const res = await closedLoop({ n, concurrency, op: (i) => client.post(chargeBody(tag, i)) });
    const { profile } = await session.post('Profiler.stop');
    if (values.out) writeFileSync(values.out, JSON.stringify(profile));
    print(
      `${values.variant}, ${n} requests at concurrency ${concurrency}: ${res.failures} failed, ` +
        `${Math.round(plain.cpuUsPerOp)} µs client CPU per request unprofiled (${Math.round(res.cpuUsPerOp)} profiled), `,
      profile,
      Number(values.top),
    );
  } finally {
    session.disconnect();
    client.destroy();
    await sim.stop();
  }
}
