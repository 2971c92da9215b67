// Runs sections 5-6 inside `firebase emulators:exec` (auth, firestore,
// functions) with the dev servers started the way scripts/test.mjs starts them,
// on the project's emulator config plus the bench-only baseline callable.
// The emulators' own output goes to a log file; "[bench]" lines are shown.
// The functions run with the test suites' loose per-user limits (one user
// drives the load test) and the shipped stats interval from a generated dotenv
// folder (scripts/emulator-config.mjs).
// Provider 'stripe': the Stripe fake instead of the simulator and the
// functions' dotenv from scripts/stripe-env.mjs (PAYMENT_PROVIDER=stripe).
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { emulatorEnv, ROOT } from '../scripts/emulator-env.mjs';
import {
  CLOUDWATCH_PORT,
  ensureDevSecret,
  PROJECT_ID,
  SIMULATOR_PORT,
  startDevServers,
} from '../scripts/local-env.mjs';
import { TEST_FUNCTIONS_ENV, writeEmulatorConfig } from '../scripts/emulator-config.mjs';
import { writeStripeEmulatorConfig } from '../scripts/stripe-env.mjs';

const FIREBASE = join(ROOT, 'node_modules/firebase-tools/lib/bin/firebase.js');

/** A setting's shipped value: its line in functions/.env (the deployed defaults; .env.local overrides it locally). */
function shippedSetting(name) {
  const line = readFileSync(join(ROOT, 'functions', '.env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`functions/.env has no ${name}`);
  return line.slice(name.length + 1).trim();
}

/**
 * The suites' settings, plus the shipped stats and metrics interval: functions/.env.local shortens it to
 * 5 s so the dev SPA sees fresh numbers, which would make every few calls of a worker publish its stats
 * snapshot and drain its metrics; the bench measures them as often as a deployed instance does them.
 */
const BENCH_FUNCTIONS_ENV = {
  ...TEST_FUNCTIONS_ENV,
  VUE_APP_METRICS_INTERVAL: shippedSetting('VUE_APP_METRICS_INTERVAL'),
};

/** Runs a command with its output in `logFile`, echoing the lines that start with "[bench]". */
function runLogged(cmd, args, opts, logFile) {
  return new Promise((resolve, reject) => {
    const logStream = createWriteStream(logFile);
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    const tail = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        logStream.write(`${line}\n`);
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (line.startsWith('[bench]')) console.log(line);
      });
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      logStream.end();
      if (code === 0) resolve();
      else {
        console.error(`firebase emulators:exec exited with ${code ?? signal}; its last lines:\n${tail.join('\n')}`);
        reject(new Error(`firebase emulators:exec exited with ${code ?? signal} (log: ${logFile})`));
      }
    });
  });
}

/**
 * The project's firebase.json with absolute paths, its functions codebase
 * served from the bench's snapshot, plus the bench-only baseline codebase
 * (bench/trivial-callable), written beside the snapshot in .cache/bench and
 * used with `--config`. firebase-tools wants every path inside the config's
 * folder, so the rules and the baseline codebase are copied there too.
 */
function benchConfig(configDir) {
  const base = JSON.parse(readFileSync(join(ROOT, 'firebase.json'), 'utf8'));
  const codebases = Array.isArray(base.functions) ? base.functions : [base.functions];
  const functionsDir = process.env.BENCH_FUNCTIONS_DIR ?? join(ROOT, 'functions');
  const dir = join(ROOT, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'bench', 'trivial-callable'), join(dir, 'trivial-callable'), { recursive: true });
  // The emulator reads a codebase's runtime from its package.json (generated here, so the repo holds no extra package).
  const pkg = {
    name: 'bench-trivial-callable',
    private: true,
    type: 'module',
    main: 'index.js',
    engines: { node: '24' },
  };
  writeFileSync(join(dir, 'trivial-callable', 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // The payment floor callable (paymentFloor.js) calls the simulator and the local CloudWatch endpoint the dev
  // servers run; its PAYMENT_API_KEY secret is the development one, in this git-ignored folder's .secret.local.
  writeFileSync(
    join(dir, 'trivial-callable', '.env'),
    `BENCH_PROVIDER_URL=http://127.0.0.1:${SIMULATOR_PORT}\nBENCH_CLOUDWATCH_ENDPOINT=http://127.0.0.1:${CLOUDWATCH_PORT}\n`,
  );
  writeFileSync(join(dir, 'trivial-callable', '.secret.local'), `PAYMENT_API_KEY=${ensureDevSecret()}\n`, {
    mode: 0o600,
  });
  copyFileSync(join(ROOT, base.firestore.rules), join(dir, 'firestore.rules'));
  if (codebases.some((c) => c.source !== 'functions'))
    throw new Error('firebase.json has a functions codebase other than functions/: teach bench/emulator.mjs about it.');
  const config = {
    functions: [
      ...codebases.map((c) => ({
        ...c,
        source: relative(dir, functionsDir),
        ...(configDir ? { configDir: relative(dir, configDir) } : {}),
      })),
      { source: 'trivial-callable', codebase: 'bench-baseline', runtime: 'nodejs24' },
    ],
    firestore: { ...base.firestore, rules: 'firestore.rules' },
    emulators: base.emulators,
  };
  const file = join(dir, 'firebase.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** Sections `ids` (5 and/or 6) against the emulators with `provider` ('generic' or 'stripe'); resolves with their results. */
export async function runEmulatorSections({ ids, quick, smoke = false, log, provider = 'generic' }) {
  // A functions worker must start within FUNCTIONS_DISCOVERY_TIMEOUT (default
  // 30 s); 20 workers starting at once on 2 busy cores can take longer.
  const env = { FUNCTIONS_DISCOVERY_TIMEOUT: '120', ...emulatorEnv() };
  const dir = mkdtempSync(join(tmpdir(), 'payments-bench-'));
  const resultFile = join(dir, 'results.json');
  const logFile = join(dir, 'emulators.log');
  log(`sections ${ids.join(', ')}: starting the dev servers and the Firebase emulators (their log: ${logFile})`);
  const generated =
    provider === 'stripe'
      ? writeStripeEmulatorConfig(ROOT, BENCH_FUNCTIONS_ENV)
      : writeEmulatorConfig({ name: 'bench', label: 'Bench (bench/emulator.mjs)', functionsEnv: BENCH_FUNCTIONS_ENV });
  const servers = await startDevServers({ quiet: true, provider }).catch((err) => {
    generated.remove();
    throw err;
  });
  try {
    const stage = [
      process.execPath,
      join(ROOT, 'bench', 'emulator-stage.mjs'),
      '--out',
      resultFile,
      '--sections',
      ids.join(','),
      ...(quick ? ['--quick'] : []),
      ...(smoke ? ['--smoke'] : []),
      '--provider',
      provider,
      '--log',
      logFile,
    ];
    const inner = stage.map((a) => (a.startsWith('--') ? a : `"${a}"`)).join(' ');
    const args = [
      FIREBASE,
      'emulators:exec',
      '--config',
      benchConfig(generated.envDir),
      '--project',
      PROJECT_ID,
      '--only',
      'auth,firestore,functions',
      inner,
    ];
    await runLogged(process.execPath, args, { env }, logFile);
  } finally {
    await servers.stop();
    generated.remove();
  }
  return JSON.parse(readFileSync(resultFile, 'utf8'));
}
