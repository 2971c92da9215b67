// `npm start`: runs the product locally and offline: the Auth, Firestore,
// Functions and Hosting emulators, the payment simulator and the local
// CloudWatch endpoint, with two seeded users; prints the URLs and credentials.
import { join } from 'node:path';
import { ROOT, emulatorEnv } from './emulator-env.mjs';
import {
  CLOUDWATCH_PORT,
  LOCAL_WEB_ENV,
  PROJECT_ID,
  SIMULATOR_PORT,
  USERS,
  ensureDevSecret,
  run,
  startDevServers,
  startService,
} from './local-env.mjs';
import { seedUsers } from './seed-users.mjs';

const firebase = join(ROOT, 'node_modules/firebase-tools/lib/bin/firebase.js');
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');

ensureDevSecret();
const env = emulatorEnv();
await run('npm', ['run', 'build', '-w', 'functions']);
await run('npm', ['run', 'build', '-w', 'web'], {
  env: { ...process.env, ...LOCAL_WEB_ENV },
});

const servers = await startDevServers();
const emulators = await startService(
  'emulators',
  process.execPath,
  [firebase, 'emulators:start', '--project', PROJECT_ID, '--only', 'auth,firestore,functions,hosting'],
  /All emulators ready/,
  { env },
);
// Rebuild functions on change; the functions emulator reloads lib/ by itself.
const watcher = await startService(
  'tsc',
  process.execPath,
  [tsc, '-p', 'functions/tsconfig.build.json', '--watch', '--preserveWatchOutput'],
  /Watching for file changes/,
  { quiet: true },
);
await seedUsers('127.0.0.1:9099');

console.log(`
  Payments backend is running locally (project ${PROJECT_ID}, offline).

  Admin page      http://127.0.0.1:5002/test-cloudwatch
  Sign in as      ${USERS.admin.email} / ${USERS.admin.password}   (admin)
                  ${USERS.user.email} / ${USERS.user.password}    (plain user)
  Functions       http://127.0.0.1:5001/${PROJECT_ID}/us-central1/<name>
  Payment sim     http://127.0.0.1:${SIMULATOR_PORT}  (faults: PUT /__control/faults)
  CloudWatch      http://127.0.0.1:${CLOUDWATCH_PORT}  (local CloudWatch Logs endpoint)
  SPA with HMR    npm run dev -w web   (http://127.0.0.1:5173)

  Press Ctrl+C to stop.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.all([watcher.stop(), emulators.stop(), servers.stop()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
emulators.child.on('exit', stop);
