// Creates the two development users in the Auth emulator (idempotent) and
// grants the admin one the `admin` custom claim.
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { PROJECT_ID, USERS } from './local-env.mjs';

/** Seeds USERS into the Auth emulator at `authHost` (host:port). */
export async function seedUsers(authHost = '127.0.0.1:9099') {
  process.env.FIREBASE_AUTH_EMULATOR_HOST = authHost;
  const app = initializeApp({ projectId: PROJECT_ID }, `seed-${Date.now()}`);
  const auth = getAuth(app);
  for (const u of Object.values(USERS)) {
    let record;
    try {
      record = await auth.getUserByEmail(u.email);
    } catch {
      record = await auth.createUser({ email: u.email, password: u.password, emailVerified: true });
    }
    await auth.setCustomUserClaims(record.uid, u.admin ? { admin: true } : null);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await seedUsers(process.env.FIREBASE_AUTH_EMULATOR_HOST);
  console.log(
    'seeded',
    Object.values(USERS)
      .map((u) => u.email)
      .join(', '),
  );
}
