// Extra signed-in payers for the load test: `bench-payer-<k>@example.com` in
// the Auth emulator (created when missing), each a web SDK session of its own,
// so the test's traffic is spread over users the way real traffic is; and
// `bench-admin-<k>@example.com` admins for its refunds, spread the same way.
import { PROJECT_ID } from '../../scripts/local-env.mjs';
import { session } from './client.mjs';
import { dep } from './project.mjs';

/**
 * `n` signed-in sessions of bench payers; close them with `close()` of each.
 * `admins`: `bench-admin-<k>@example.com` with the admin claim instead (the refund phase's callers).
 */
export async function benchPayers(n, { admins = false } = {}) {
  process.env.FIREBASE_AUTH_EMULATOR_HOST ??= '127.0.0.1:9099';
  const { getApps, initializeApp } = dep('firebase-admin/app');
  const { getAuth } = dep('firebase-admin/auth');
  const app =
    getApps().find((a) => a.name === 'bench-payers') ?? initializeApp({ projectId: PROJECT_ID }, 'bench-payers');
  const auth = getAuth(app);
  const who = Array.from({ length: n }, (_, k) => ({
    email: `bench-${admins ? 'admin' : 'payer'}-${k}@example.com`,
    password: 'bench-payer-password',
  }));
  for (const u of who) {
    let user;
    try {
      user = await auth.getUserByEmail(u.email);
    } catch {
      user = await auth.createUser({ email: u.email, password: u.password, emailVerified: true });
    }
    // Set before signing in, so the session's first ID token carries it.
    if (admins && !user.customClaims?.admin) await auth.setCustomUserClaims(user.uid, { admin: true });
  }
  return Promise.all(who.map((u) => session(u)));
}
