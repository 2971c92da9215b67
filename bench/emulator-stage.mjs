// Sections 5-6, run by `firebase emulators:exec` (see bench/emulator.mjs):
// seeds the users, runs the sections and writes their results as JSON to --out.
// Progress lines start with "[bench]" so the caller can show them among the emulator logs.
// `--provider stripe`: the functions run with PAYMENT_PROVIDER=stripe and the
// load test drives the Stripe fake (same control API shape as the simulator's).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureDevSecret, SIMULATOR_PORT, USERS } from '../scripts/local-env.mjs';
import { STRIPE_FAKE_PORT } from '../scripts/stripe-env.mjs';
import { seedUsers } from '../scripts/seed-users.mjs';
import { session } from './lib/client.mjs';
import { simulatorControl } from './lib/simulator.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    sections: { type: 'string', default: '5,6' },
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    provider: { type: 'string', default: 'generic' },
    // The emulators' log file (bench/emulator.mjs writes it): section 5 reads the functions' phase timings there.
    log: { type: 'string' },
  },
});
const ids = values.sections.split(',').map(Number);
const log = (message) => console.log(`[bench] ${message}`);

const results = [];
const sessions = [];
try {
  await seedUsers(process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099');
  const [payer, admin] = await Promise.all([session(USERS.user), session(USERS.admin)]);
  sessions.push(payer, admin);
  const provider = values.provider;
  const simulator = simulatorControl(`http://127.0.0.1:${provider === 'stripe' ? STRIPE_FAKE_PORT : SIMULATOR_PORT}`);
  const ctx = {
    user: payer,
    admin,
    simulator,
    apiKey: ensureDevSecret(),
    quick: values.quick,
    smoke: values.smoke,
    log,
    provider,
    emulatorLog: values.log,
  };
  const sections = {
    5: async () => (await import('./e2e.mjs')).runEndToEnd(ctx),
    6: async () => (await import('./loadtest.mjs')).runLoadTest(ctx),
  };
  for (const id of ids) {
    const t0 = Date.now();
    log(`section ${id}`);
    try {
      results.push(await sections[id]());
    } catch (err) {
      console.error(err);
      results.push({
        id,
        title: id === 5 ? 'End to end (Functions emulator)' : 'Load test with faults',
        target: '',
        error: err instanceof Error ? err.message : String(err),
      });
    }
    log(`section ${id} took ${Math.round((Date.now() - t0) / 1000)} s`);
  }
} finally {
  writeFileSync(values.out, JSON.stringify(results));
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
}
// The web SDK and firebase-admin keep sockets open; the results are written.
process.exit(0);
