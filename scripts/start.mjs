// `npm start`: runs the product locally and offline: the Auth, Firestore,
// Functions and Hosting emulators, the payment simulator and the local
// CloudWatch endpoint, with two seeded users; prints the URLs and credentials.
import { emulatorEnv } from './emulator-env.mjs';
import {
  CLOUDWATCH_PORT,
  LOCAL_WEB_ENV,
  PROJECT_ID,
  SIMULATOR_PORT,
  USERS,
  ensureDevSecret,
  run,
  startDevServers,
} from './local-env.mjs';
import { seedUsers } from './seed-users.mjs';
import { startFunctions } from './start-functions.mjs';

ensureDevSecret();
const env = emulatorEnv();
await run('npm', ['run', 'build', '-w', 'web'], {
  env: { ...process.env, ...LOCAL_WEB_ENV },
});

const servers = await startDevServers();
// Builds functions/ (and rebuilds it on change), then starts the emulators on
// the finished build: see start-functions.mjs for why the order matters.
const { watcher, emulators } = await startFunctions({ env }).catch(async (err) => {
  await servers.stop();
  throw err;
});
const stopAll = () => Promise.all([watcher.stop(), emulators.stop(), servers.stop()]);
await seedUsers('127.0.0.1:9099').catch(async (err) => {
  await stopAll();
  throw err;
});

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
  await stopAll();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
emulators.child.on('exit', stop);
