// The firebase config an emulator run uses when the functions need settings of
// their own on top of functions/.env.local (the test suites' loose per-user
// limits, Stripe mode), and because the page served by the Hosting emulator
// needs the emulators' Content-Security-Policy (firebase.json has production's).
//
// Why a generated config and not an environment variable: the functions
// emulator gives each function the emulator's own environment overlaid with
// the dotenv files (.env, .env.<project>, .env.local; later files win), so a
// variable set in the environment cannot override a dotenv line, nor a schema
// default the product should run with. firebase-tools reads the dotenv files
// from the codebase's `configDir` (firebase.json, default the source folder),
// so a run writes a copy of them with its own lines appended to .env.local into
// .cache/functions-env-<name> and a firebase config beside firebase.json
// (paths in it resolve from its folder) that names it. Secrets stay in
// functions/.secret.local, which the emulator always reads from the source
// folder. Nothing committed changes.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './emulator-env.mjs';
import { emulatorCsp, withCsp } from './hosting-csp.mjs';

/**
 * What the emulator test suites (and the bench's emulator sections) run with on
 * top of functions/.env.local: per-user limits loose enough for 20 concurrent
 * calls from one user (the concurrency test); the limits test drives past the
 * in-flight cap; a payment waiting for the customer is abandoned after 8 s. `npm start` runs with the product's defaults instead.
 */
export const TEST_FUNCTIONS_ENV = {
  PAYMENT_USER_RATE_PER_MIN: '600',
  PAYMENT_USER_BURST: '200',
  PAYMENT_USER_MAX_IN_FLIGHT: '20',
  // Short, so the Stripe suite sees reconciliation cancel an abandoned 3-D Secure (only a runReconciliation call does).
  PAYMENT_ACTION_TIMEOUT_MS: '8000',
};

/**
 * The integration stage's events for other systems (docs/events.md): the
 * functions publish to the default channel, which the Eventarc emulator
 * delivers to the test-only consumer below. Only that stage runs the Eventarc
 * emulator, so only it sets the channel (elsewhere each publish would wait out
 * its bound against the real Eventarc).
 */
export const EVENTARC_TEST_ENV = { EVENTARC_CHANNEL: 'locations/us-central1/channels/firebase' };

/**
 * The test-only codebase that consumes those events (tests/eventarc-consumer):
 * added to a generated emulator config only (`extraCodebases`), never to
 * firebase.json, so no deploy ever sees it.
 */
export const EVENTARC_CONSUMER_CODEBASE = {
  source: 'tests/eventarc-consumer',
  codebase: 'eventarc-consumer',
  runtime: 'nodejs24',
};

/**
 * Writes `.cache/functions-env-<name>` (the functions' dotenv files, with
 * `functionsEnv` appended to .env.local under a `# <label>` line, so they win)
 * and `firebase.<name>.json` (firebase.json naming that folder as every
 * codebase's configDir, its Hosting CSP the emulators' policy, also allowing
 * `connect`) under `root`; `extraCodebases` are added as they are (test-only
 * functions, such as EVENTARC_CONSUMER_CODEBASE).
 * Returns `{ configPath, envDir, remove() }`: pass `configPath` to firebase as
 * `--config` (or name `envDir` as the codebase's configDir in a config of your own).
 */
export function writeEmulatorConfig({
  name,
  label,
  functionsEnv = {},
  connect = [],
  extraCodebases = [],
  root = ROOT,
}) {
  const functionsDir = join(root, 'functions');
  const envDirName = join('.cache', `functions-env-${name}`);
  const envDir = join(root, envDirName);
  rmSync(envDir, { recursive: true, force: true });
  mkdirSync(envDir, { recursive: true });
  for (const file of readdirSync(functionsDir)) {
    if (/^\.env(\..+)?$/.test(file)) copyFileSync(join(functionsDir, file), join(envDir, file));
  }
  const localPath = join(envDir, '.env.local');
  const local = existsSync(localPath) ? readFileSync(localPath, 'utf8') : '';
  const lines = Object.entries(functionsEnv).map(([k, v]) => `${k}=${v}\n`);
  if (lines.length > 0) {
    const separator = local === '' || local.endsWith('\n') ? '' : '\n';
    writeFileSync(localPath, `${local}${separator}# ${label}\n${lines.join('')}`);
  }
  const firebase = JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8'));
  const codebases = [...[firebase.functions].flat().map((f) => ({ ...f, configDir: envDirName })), ...extraCodebases];
  const configPath = join(root, `firebase.${name}.json`);
  const config = {
    ...firebase,
    functions: codebases,
    ...(firebase.hosting ? { hosting: withCsp(firebase.hosting, emulatorCsp(connect)) } : {}),
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return {
    configPath,
    envDir,
    remove() {
      rmSync(configPath, { force: true });
      rmSync(envDir, { recursive: true, force: true });
    },
  };
}
