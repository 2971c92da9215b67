// Extra signed-in payers for the load test: `bench-payer-<k>@example.com` in
// the Auth emulator (created when missing), each a web SDK session of its own,
// so the test's traffic is spread over users the way real traffic is.
import { PROJECT_ID } from '../../scripts/local-env.mjs';
import { session } from './client.mjs';
import { dep } from './project.mjs';

/** `n` signed-in sessions of bench payers; close them with `close()` of each. */
export async function benchPayers(n) {
  process.env.FIREBASE_AUTH_EMULATOR_HOST ??= '127.0.0.1:9099';
  const { getApps, initializeApp } = dep('firebase-admin/app');
  const { getAuth } = dep('firebase-admin/auth');
  const app =
    getApps().find((a) => a.name === 'bench-payers') ?? initializeApp({ projectId: PROJECT_ID }, 'bench-payers');
  const auth = getAuth(app);
  const who = Array.from({ length: n }, (_, k) => ({
    email: `bench-payer-${k}@example.com`,
    password: 'bench-payer-password',
  }));
  for (const u of who) {
    try {
      await auth.getUserByEmail(u.email);
    } catch {
      await auth.createUser({ email: u.email, password: u.password, emailVerified: true });
    }
  }
  return Promise.all(who.map((u) => session(u)));
}
