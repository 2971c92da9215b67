// One section-1 client (bench/lib/clients.mjs) sending a fixed sequence of charges to the
// simulator, made to run under valgrind: the instructions it executes are a count that a shared
// machine's load cannot move, where CPU time drifts by ±10 % between runs (docs/profile-section1.md).
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//     node --predictable bench/instructions.mjs --variant=project [--sequential=800] [--concurrent=1600]
// `--predictable` runs V8's compiler and GC work on the main thread, so repeated runs count the
// same within about 0.1 %. Instructions per request = (total - total with both counts 0) / requests.
// BENCH_FUNCTIONS_DIR=<copy of functions with its lib> counts another build (bench/lib/project.mjs).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SETTINGS, chargeBody, opossum, projectPath, rawAxios } from './lib/clients.mjs';
import { closedLoop } from './lib/measure.mjs';
import { startSimulator } from './lib/simulator.mjs';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'project' },
    sequential: { type: 'string', default: '800' },
    concurrent: { type: 'string', default: '1600' },
  },
});
const makers = { project: projectPath, raw: rawAxios, opossum };
const make = makers[values.variant];
if (!make) throw new Error(`--variant must be one of ${Object.keys(makers).join(', ')}`);
// Under valgrind a request takes about 50 times as long: the 5 s deadlines would fail queued requests.
SETTINGS.attemptTimeoutMs = 120_000;

const apiKey = `bench_${randomBytes(12).toString('hex')}`;
const sim = await startSimulator(apiKey);
const client = make(sim.url, apiKey);
try {
  const runs = [
    { n: Number(values.sequential), concurrency: 1, tag: 'seq' },
    { n: Number(values.concurrent), concurrency: 50, tag: 'c50' },
  ];
  for (const { n, concurrency, tag } of runs) {
    if (n <= 0) continue;
    const res = await closedLoop({ n, concurrency, op: (i) => client.post(chargeBody(`${tag}_${process.pid}`, i)) });
    if (res.failures > 0) throw new Error(`${res.failures} of ${n} requests failed: ${JSON.stringify(res.errors)}`);
  }
} finally {
  client.destroy();
  await sim.stop();
}
