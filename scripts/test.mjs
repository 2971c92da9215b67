// `npm test`: checks formatting and lint, builds, runs the unit tests, then the
// emulator integration tests (and browser tests when present) against the
// Firebase emulators, offline, then the payment tests again with the Stripe
// provider against the Stripe fake (a second emulator run: the functions load
// their configuration once). `npm test -- lint`, `npm test -- unit`,
// `npm test -- integration`, `npm test -- e2e`, `npm test -- integration-stripe`
// or `npm test -- bench` runs one stage (bench: every bench section with tiny
// counts, `npm run bench -- --smoke`, last as it starts emulators of its own); `--files=a,b` passes test-file filters to vitest
// (e.g. `npm test -- integration --files=userLimits`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, emulatorEnv } from './emulator-env.mjs';
import { LOCAL_WEB_ENV, PROJECT_ID, ensureDevSecret, run, startDevServers } from './local-env.mjs';
import {
  EVENTARC_CONSUMER_CODEBASE,
  EVENTARC_TEST_ENV,
  TEST_FUNCTIONS_ENV,
  writeEmulatorConfig,
} from './emulator-config.mjs';
import { writeStripeEmulatorConfig } from './stripe-env.mjs';

const stages = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const filesArg = process.argv.slice(2).find((a) => a.startsWith('--files='));
const fileFilters = filesArg ? filesArg.slice('--files='.length).split(',').filter(Boolean) : [];
const want = (s) => stages.length === 0 || stages.includes(s);
const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
const firebase = join(ROOT, 'node_modules/firebase-tools/lib/bin/firebase.js');
const prettier = join(ROOT, 'node_modules/prettier/bin/prettier.cjs');
const eslint = join(ROOT, 'node_modules/eslint/bin/eslint.js');
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
const vueTsc = join(ROOT, 'node_modules/vue-tsc/bin/vue-tsc.js');
const vitestRun = (config) => `"${process.execPath}" "${vitest}" run -c ${config} ${fileFilters.join(' ')}`;

// First, as it takes under a minute and the later stages several. Both checks run so one report shows every problem.
if (want('lint')) {
  const failed = [];
  for (const [name, args] of [
    ['prettier', [prettier, '--check', '.']],
    ['eslint', [eslint, '.']],
    // ESLint does not report type errors, and vitest strips types: the functions' tests, the emulator tests and the
    // SPA (whose build would otherwise be the first to see a type error in it) are type-checked here.
    ['tsc (functions)', [tsc, '--noEmit', '-p', 'functions/tsconfig.json']],
    ['tsc (tests)', [tsc, '--noEmit', '-p', 'tests/tsconfig.json']],
    ['vue-tsc (web)', [vueTsc, '--noEmit', '-p', 'web/tsconfig.json']],
  ]) {
    await run(process.execPath, args).catch(() => failed.push(name));
  }
  if (failed.length > 0) {
    console.error(
      `${failed.join(' and ')} failed: run npx prettier --write . / npx eslint --fix . and fix what remains (tsc: the type errors it lists).`,
    );
    process.exit(1);
  }
}

if (!['unit', 'integration', 'e2e', 'integration-stripe', 'bench'].some(want)) process.exit(0);

ensureDevSecret({ stripe: want('integration-stripe') });
await run('npm', ['run', 'build', '-w', 'functions']);

if (want('unit')) {
  await run(process.execPath, [vitest, 'run', ...fileFilters]);
}

if (want('integration') || want('e2e')) {
  const env = emulatorEnv();
  // Eventarc: the functions publish their events for other systems to its emulator, which hands them to the test consumer.
  const only = ['auth', 'firestore', 'functions', 'eventarc'];
  const suites = [];
  if (want('integration')) suites.push('vitest.integration.config.ts');
  if (want('e2e') && existsSync(join(ROOT, 'vitest.e2e.config.ts'))) {
    await run('npm', ['run', 'build', '-w', 'web'], { env: { ...process.env, ...LOCAL_WEB_ENV } });
    only.push('hosting');
    suites.push('vitest.e2e.config.ts');
  }
  const inner = suites.map(vitestRun).join(' && ');
  // The suites' own settings (loose per-user limits) in a generated config: emulator-config.mjs says why.
  const testConfig = writeEmulatorConfig({
    name: 'test',
    label: 'Emulator test suites (scripts/emulator-config.mjs)',
    functionsEnv: { ...TEST_FUNCTIONS_ENV, ...EVENTARC_TEST_ENV },
    extraCodebases: [EVENTARC_CONSUMER_CODEBASE],
  });
  try {
    const servers = await startDevServers({ quiet: true });
    try {
      await run(
        process.execPath,
        [
          firebase,
          'emulators:exec',
          '--config',
          testConfig.configPath,
          '--project',
          PROJECT_ID,
          '--only',
          only.join(','),
          inner,
        ],
        { env },
      );
    } finally {
      await servers.stop();
    }
  } finally {
    testConfig.remove();
  }
}

// Stripe mode: the functions read PAYMENT_PROVIDER=stripe and the fake's URL (and the suites' limits) from a
// generated dotenv folder (emulator-config.mjs says why), the Stripe fake replaces the simulator.
if (want('integration-stripe')) {
  const started = Date.now();
  const stripeConfig = writeStripeEmulatorConfig(ROOT, TEST_FUNCTIONS_ENV);
  try {
    const servers = await startDevServers({ quiet: true, provider: 'stripe' });
    try {
      await run(
        process.execPath,
        [
          firebase,
          'emulators:exec',
          '--config',
          stripeConfig.configPath,
          '--project',
          PROJECT_ID,
          '--only',
          'auth,firestore,functions',
          vitestRun('vitest.integration-stripe.config.ts'),
        ],
        // Loading the functions takes ~10 s on a busy 2-core machine; discovery gives up after 10 s by default.
        { env: { FUNCTIONS_DISCOVERY_TIMEOUT: '60', ...emulatorEnv() } },
      );
    } finally {
      await servers.stop();
    }
  } finally {
    stripeConfig.remove();
  }
  console.log(`integration-stripe stage: ${Math.round((Date.now() - started) / 1000)} s`);
}

// After the emulator stages, whose emulators and dev servers have stopped by now: the bench starts its own
// (the suite's ports for sections 5-6, free or private ports for the others). It judges that every section
// runs and measures, not the performance targets.
if (want('bench')) {
  const started = Date.now();
  await run(process.execPath, [join(ROOT, 'scripts', 'bench.mjs'), '--smoke', '--no-build']);
  console.log(`bench stage: ${Math.round((Date.now() - started) / 1000)} s`);
}
