// The part of `npm start` that brings the functions up: the TypeScript
// watcher and the emulators, in the one order in which the functions emulator
// loads the functions exactly once. The emulator watches functions/ and
// reloads every function when lib/ changes, so a watcher whose first build
// lands after the emulator has loaded lib/ makes it load everything a second
// time, and callables fail with `internal` while it does. The watcher
// therefore builds first, the emulators start on the finished lib/, and the
// caller is told "ready" only after the emulator's own "loaded" line.
import { join } from 'node:path';
import { ROOT } from './emulator-env.mjs';
import { PROJECT_ID, startService } from './local-env.mjs';

/** tsc --watch after a build without errors. */
export const TSC_BUILT = /Found 0 errors\. Watching for file changes/;
/** tsc --watch after a build with errors (it names them above this line). */
export const TSC_FAILED = /Found [1-9]\d* errors?\. Watching for file changes/;
/** The functions emulator has read the functions from lib/. */
export const FUNCTIONS_LOADED = /functions: Loaded functions definitions from source/;
/** The functions emulator could not read them (it still reports "ready" afterwards). */
export const FUNCTIONS_FAILED = /functions: Failed to load function definition from source/;
/** Every emulator listens. */
export const EMULATORS_READY = /All emulators ready/;

/** Generous: a cold tsc or a first emulator start on a busy machine takes minutes, not seconds. */
const START_TIMEOUT_MS = 180_000;

/**
 * Builds functions/ with `tsc --watch` (which then rebuilds on change), then
 * starts the emulators, and resolves once the functions emulator has loaded
 * the functions and every emulator is ready. Rejects, stopping whatever it
 * started, when the build has errors or the functions do not load.
 * `config` names another firebase config than firebase.json (npm start's: scripts/emulator-config.mjs).
 * @param {{ env?: NodeJS.ProcessEnv, only?: string, config?: string, quiet?: boolean, spawn?: typeof import('node:child_process').spawn }} [options]
 * @returns {Promise<{ watcher: { child: import('node:child_process').ChildProcess, stop(): Promise<void> }, emulators: { child: import('node:child_process').ChildProcess, stop(): Promise<void> } }>}
 */
export async function startFunctions({
  env,
  only = 'auth,firestore,functions,hosting',
  config,
  quiet = false,
  spawn,
} = {}) {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const firebase = join(ROOT, 'node_modules/firebase-tools/lib/bin/firebase.js');
  const common = { quiet, spawn, timeoutMs: START_TIMEOUT_MS };
  const watcher = await startService(
    'tsc',
    process.execPath,
    [tsc, '-p', 'functions/tsconfig.build.json', '--watch', '--preserveWatchOutput'],
    TSC_BUILT,
    { ...common, failPattern: TSC_FAILED },
  );
  try {
    const emulators = await startService(
      'emulators',
      process.execPath,
      [firebase, 'emulators:start', ...(config ? ['--config', config] : []), '--project', PROJECT_ID, '--only', only],
      [FUNCTIONS_LOADED, EMULATORS_READY],
      { ...common, env, failPattern: FUNCTIONS_FAILED },
    );
    return { watcher, emulators };
  } catch (err) {
    await watcher.stop();
    throw err;
  }
}
