// `npm start`: runs the product locally and offline: the Auth, Firestore,
// Functions and Hosting emulators, the payment simulator and the local
// CloudWatch endpoint, with two seeded users; prints the URLs and credentials.
// `npm start -- --stripe` (or PAYMENT_PROVIDER=stripe npm start) runs the
// functions with the Stripe provider against the Stripe fake instead of the
// simulator, its webhooks delivered to the emulated stripeWebhook function.
import { emulatorEnv } from './emulator-env.mjs';
import {
  CLOUDWATCH_PORT,
  LOCAL_WEB_ENV,
  PROJECT_ID,
  SIMULATOR_PORT,
  STRIPE_WEB_ENV,
  USERS,
  ensureDevSecret,
  run,
  startDevServers,
} from './local-env.mjs';
import { seedUsers } from './seed-users.mjs';
import { startFunctions } from './start-functions.mjs';
import { writeEmulatorConfig } from './emulator-config.mjs';
import { STRIPE_FAKE_PORT, writeStripeEmulatorConfig } from './stripe-env.mjs';

const stripe = process.argv.includes('--stripe') || process.env.PAYMENT_PROVIDER === 'stripe';
ensureDevSecret({ stripe });
const env = emulatorEnv();
await run('npm', ['run', 'build', '-w', 'web'], {
  env: { ...process.env, ...(stripe ? STRIPE_WEB_ENV : LOCAL_WEB_ENV) },
});

// A generated config: the page gets the emulators' CSP (firebase.json has production's), the functions the
// product's defaults; Stripe mode adds PAYMENT_PROVIDER=stripe (emulator-config.mjs says why a config).
const emulatorConfig = stripe
  ? writeStripeEmulatorConfig()
  : writeEmulatorConfig({ name: 'start', label: 'npm start (scripts/start.mjs)' });
const servers = await startDevServers({ provider: stripe ? 'stripe' : 'generic' }).catch((err) => {
  emulatorConfig.remove();
  throw err;
});
const stopServers = async () => {
  await servers.stop();
  emulatorConfig.remove();
};
// Builds functions/ (and rebuilds it on change), then starts the emulators on
// the finished build: see start-functions.mjs for why the order matters.
const { watcher, emulators } = await startFunctions({ env, config: emulatorConfig.configPath }).catch(async (err) => {
  await stopServers();
  throw err;
});
const stopAll = () => Promise.all([watcher.stop(), emulators.stop()]).then(stopServers);
await seedUsers('127.0.0.1:9099').catch(async (err) => {
  await stopAll();
  throw err;
});

const provider = stripe
  ? `Stripe fake     http://127.0.0.1:${STRIPE_FAKE_PORT}  (PAYMENT_PROVIDER=stripe; faults: PUT /__control/faults; docs/stripe.md)`
  : `Payment sim     http://127.0.0.1:${SIMULATOR_PORT}  (faults: PUT /__control/faults; npm start -- --stripe for Stripe)`;
console.log(`
  Payments backend is running locally (project ${PROJECT_ID}, offline).

  Admin page      http://127.0.0.1:5002/test-cloudwatch
  Sign in as      ${USERS.admin.email} / ${USERS.admin.password}   (admin)
                  ${USERS.user.email} / ${USERS.user.password}    (plain user)
  Functions       http://127.0.0.1:5001/${PROJECT_ID}/us-central1/<name>
  ${provider}
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
