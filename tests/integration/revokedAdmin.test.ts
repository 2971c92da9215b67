// Admins whose sessions were revoked or whose accounts are disabled, over real
// HTTP against the emulators: their ID tokens still decode (they stay valid up
// to an hour), but every admin callable and the deep health view refuse them
// with `unauthenticated` (access/sessionCheck.ts). A control admin made the
// same way passes the same calls, so a missing check in the callables fails
// this suite. The deep health view's 401 is asserted too, but against the Auth
// emulator firebase-admin's verifyIdToken itself refuses revoked and disabled
// users (it always checks them there), so only access/auth.test.ts
// (bearerAdminCaller) proves the health path's own check.
import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth as adminAuth } from 'firebase-admin/auth';
import { getAuth } from 'firebase/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ID, session, type Session } from './client.js';

const ADMIN_CALLABLES = [
  'getDatabasePoolStatus',
  'getConnectionPoolStats',
  'getIncidentTimeline',
  'resetCircuitBreakers',
  'runReconciliation',
  'refundPayment',
  'listPayments',
  // Any signed-in user may call it, but an admin's session is checked before the payload, as here.
  'getPayment',
] as const;
/** Refused by payload validation, which runs after the session check: nothing is done for anyone. */
const BAD_PAYLOAD = { notAField: 1 };
const HEALTH = `http://127.0.0.1:5001/${PROJECT_ID}/us-central1/health?deep=1`;

const auth = () =>
  adminAuth(getApps().find((a) => a.name === 'sessions') ?? initializeApp({ projectId: PROJECT_ID }, 'sessions'));

/** A fresh admin (the custom claim set before signing in, so the ID token carries it) and its signed-in session. */
async function freshAdmin(label: string): Promise<Session> {
  const email = `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = 'admin-password-123';
  const { uid } = await auth().createUser({ email, password });
  await auth().setCustomUserClaims(uid, { admin: true });
  return session({ email, password });
}

/** The status of the deep health view with `s`'s current ID token. */
async function deepHealthStatus(s: Session): Promise<number> {
  const token = await getAuth(s.app).currentUser!.getIdToken();
  const res = await fetch(HEALTH, { headers: { Authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Waits (polling) until the clock is past the second `s` signed in: a
 * revocation counts for tokens signed in before its own second only
 * (tokensValidAfterTime has whole seconds), as in firebase-admin.
 */
async function pastSignInSecond(s: Session): Promise<void> {
  const { claims } = await getAuth(s.app).currentUser!.getIdTokenResult();
  const authTime = Number(claims.auth_time);
  const deadline = Date.now() + 5000;
  while (Math.floor(Date.now() / 1000) <= authTime) {
    if (Date.now() > deadline) throw new Error('the clock did not pass the sign-in second');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('revoked and disabled admins', () => {
  let control: Session, revoked: Session, disabled: Session;
  beforeAll(async () => {
    [control, revoked, disabled] = await Promise.all([freshAdmin('control'), freshAdmin('revoked'), freshAdmin('off')]);
    await pastSignInSecond(revoked);
    await auth().revokeRefreshTokens(revoked.uid!);
    await auth().updateUser(disabled.uid!, { disabled: true });
  }, 60_000);
  afterAll(async () => {
    const sessions = [control, revoked, disabled];
    await Promise.all(sessions.map((s) => s?.close()));
    const uids = sessions.flatMap((s) => (s?.uid ? [s.uid] : []));
    await Promise.all(uids.map((uid) => auth().deleteUser(uid)));
  });

  it('the control admin gets past the session check of every admin callable and the deep health view', async () => {
    for (const name of ADMIN_CALLABLES) {
      expect({ name, code: await control.codeOf(name, BAD_PAYLOAD) }).toEqual({ name, code: 'invalid-argument' });
    }
    expect([200, 503]).toContain(await deepHealthStatus(control));
  });

  it.each(ADMIN_CALLABLES)('%s refuses a revoked admin and a disabled one with unauthenticated', async (name) => {
    expect(await revoked.codeOf(name, BAD_PAYLOAD)).toBe('unauthenticated');
    expect(await disabled.codeOf(name, BAD_PAYLOAD)).toBe('unauthenticated');
  });

  it('health?deep=1 refuses a revoked admin and a disabled one with 401', async () => {
    expect(await deepHealthStatus(revoked)).toBe(401);
    expect(await deepHealthStatus(disabled)).toBe(401);
  });
});
