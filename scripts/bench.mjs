// `npm run bench`: performance of the resilience layer and of the payment path,
// written to docs/performance.md. Not part of `npm test`; a few minutes on 2 cores.
//   npm run bench                  full run, writes docs/performance.md
//   npm run bench -- --quick       reduced run (fewer requests and rounds, compressed outage)
//   npm run bench -- --smoke       every section with tiny counts (about two minutes): checks that each
//                                  section runs and produces numbers, not the targets; exits non-zero
//                                  when one breaks (the `bench` stage of `npm test`)
//   npm run bench -- --only=1,2    some sections only
//   npm run bench -- --only=6 --stripe   the load test against the Stripe fake
//                                  (PAYMENT_PROVIDER=stripe; BENCH_PROVIDER=stripe does the same)
//   options: --no-build (use the existing functions/lib), --out <file>
// A quick or partial run writes to the temp dir unless --out is given, so the
// committed report always comes from a full run. Sections 5-6 start the
// Firebase emulators and the dev servers on their fixed ports; sections 4, 7
// and 8 a standalone Firestore emulator on a port of their own.
// Sections: 1 overhead, 2 keep-alive (HTTPS), 3 fail-fast, 4 query pool,
// 5 end to end, 6 load test, 7 Firestore round trips per path and the
// limiter's cost, 8 the docs/scaling.md model check, 9 the adaptive concurrency limit. Load-test knobs for
// investigations: BENCH_LOADTEST_WARM (workers warmed, 0 = cold) and
// BENCH_LOADTEST_PAYERS (users the calls are spread over).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './emulator-env.mjs';
import { ensureDevSecret, run } from './local-env.mjs';
import { snapshotFunctions } from '../bench/lib/snapshot.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    stripe: { type: 'boolean', default: false },
  },
});
if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(`The bench needs the pinned Node 24 (this is ${process.version}): run it as \`npm run bench\`.`);
  process.exit(1);
}
const smoke = values.smoke;
// Smoke sizes are smaller than quick ones; a section that knows no smoke size uses its quick one.
const quick = values.quick || smoke;
const only = values.only ? new Set(values.only.split(',').map((s) => Number(s.trim()))) : null;
const provider = values.stripe || process.env.BENCH_PROVIDER === 'stripe' ? 'stripe' : 'generic';
if (provider === 'stripe' && (smoke || only === null || [...only].some((id) => id !== 6))) {
  console.error('Stripe mode covers the load test only: run it as `npm run bench -- --only=6 --stripe`.');
  process.exit(1);
}
const want = (id) => only === null || only.has(id);
const full = !quick && only === null;
const out = values.out ?? (full ? join(ROOT, 'docs', 'performance.md') : join(os.tmpdir(), 'performance.partial.md'));
const log = (message) => console.log(`[bench] ${message}`);

const startedAt = new Date();
const meta = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  cores: os.availableParallelism(),
  date: startedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
  node: process.version,
  cpu: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
  loadavg: os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / '),
  quick,
  smoke,
};

ensureDevSecret({ stripe: provider === 'stripe' });
if (!values['no-build']) await run('npm', ['run', 'build', '-w', 'functions']);
// Measure (and serve from the emulator) a private copy of this build, not a
// functions/lib that someone may rebuild while the bench runs.
process.env.BENCH_FUNCTIONS_DIR = snapshotFunctions();

// Imported after the build: these modules load functions/lib when they are imported.
const { renderReport } = await import('../bench/report.mjs');
const sections = [];
/** Runs one section; a crash is reported in its place instead of ending the bench. */
async function section(id, title, fn) {
  const t0 = Date.now();
  log(`section ${id}: ${title}`);
  try {
    // The runner's number wins: a section module does not decide where it is reported.
    sections.push({ ...(await fn()), id });
  } catch (err) {
    console.error(err);
    sections.push({ id, title, target: '', error: err instanceof Error ? err.message : String(err) });
  }
  log(`section ${id} took ${Math.round((Date.now() - t0) / 1000)} s`);
}

if ([1, 2, 3, 9].some(want)) {
  const { startSimulator } = await import('../bench/lib/simulator.mjs');
  const apiKey = `bench_${randomBytes(12).toString('hex')}`;
  const sim = await startSimulator(apiKey);
  const ctx = { sim, apiKey, quick, smoke, log };
  try {
    if (want(1))
      await section(1, 'Overhead when healthy', async () => (await import('../bench/overhead.mjs')).runOverhead(ctx));
    if (want(2)) {
      // Keep-alive is measured over TLS, where a new connection costs a handshake as against the real provider.
      const tlsSim = await startSimulator(apiKey, { tls: true });
      try {
        await section(2, 'Keep-alive (HTTPS)', async () =>
          (await import('../bench/keepalive.mjs')).runKeepAlive({ ...ctx, sim: tlsSim }),
        );
      } finally {
        await tlsSim.stop();
      }
    }
    if (want(3)) await section(3, 'Fail-fast', async () => (await import('../bench/failfast.mjs')).runFailFast(ctx));
    if (want(9))
      await section(9, 'Adaptive concurrency limit', async () =>
        (await import('../bench/adaptive.mjs')).runAdaptive(ctx),
      );
  } finally {
    await sim.stop();
  }
}
if (want(4))
  await section(4, 'Query pool under overload', async () =>
    (await import('../bench/querypool.mjs')).runQueryPool({ quick, smoke, log }),
  );
if (want(7) || want(8)) {
  // In-process payment instances against a standalone Firestore emulator (not the suite's fixed ports).
  const { startSimulator } = await import('../bench/lib/simulator.mjs');
  const { startFirestoreEmulator } = await import('../bench/lib/firestore.mjs');
  const apiKey = `bench_${randomBytes(12).toString('hex')}`;
  const sim = await startSimulator(apiKey);
  const emulator = await startFirestoreEmulator(8393);
  const previousHost = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  const ctx = { sim, apiKey, projectId: 'demo-bench', quick, smoke, log };
  try {
    if (want(7))
      await section(7, 'Firestore round trips per path', async () =>
        (await import('../bench/roundtrips.mjs')).runRoundTrips(ctx),
      );
    if (want(8))
      await section(8, 'Scaling model check', async () => (await import('../bench/scaling.mjs')).runScaling(ctx));
  } finally {
    if (previousHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = previousHost;
    await emulator.stop();
    await sim.stop();
  }
}
if (want(5) || want(6)) {
  const { runEmulatorSections } = await import('../bench/emulator.mjs');
  const ids = [5, 6].filter(want);
  try {
    sections.push(...(await runEmulatorSections({ ids, quick, smoke, log, provider })));
  } catch (err) {
    console.error(err);
    for (const id of ids)
      sections.push({
        id,
        title: id === 5 ? 'End to end (Functions emulator)' : 'Load test with faults',
        target: '',
        error: err instanceof Error ? err.message : String(err),
      });
  }
}

sections.sort((a, b) => a.id - b.id);
meta.durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
const markdown = renderReport(meta, sections);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, markdown);
console.log(`\n${markdown}`);
log(`report written to ${relative(process.cwd(), out) || out} (${meta.durationS} s)`);
if (smoke) {
  // Smoke mode judges that every section ran and measured, not its targets (too few samples, noisy machine).
  const { brokenParts } = await import('../bench/smoke.mjs');
  const broken = brokenParts(sections, [1, 2, 3, 4, 5, 6, 7, 8, 9].filter(want));
  for (const b of broken) console.error(`[bench] smoke: ${b}`);
  log(broken.length === 0 ? 'smoke: every section ran and produced numbers' : `smoke: ${broken.length} problem(s)`);
  process.exitCode = broken.length === 0 ? 0 : 1;
} else process.exitCode = sections.some((s) => s.error) ? 1 : 0;
