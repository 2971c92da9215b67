import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import type { SessionCheck } from './sessionCheck.js';

/** The signed-in caller of a callable. */
export interface Caller {
  uid: string;
  admin: boolean;
}

/** Returns the caller or throws `unauthenticated` when nobody is signed in. */
export function requireUser(request: Pick<CallableRequest, 'auth'>): Caller {
  const auth = request.auth;
  if (!auth?.uid) {
    throw new HttpsError('unauthenticated', 'Sign in to call this function.');
  }
  return { uid: auth.uid, admin: auth.token?.admin === true };
}

/** Returns the caller or throws `permission-denied` unless it has the custom claim `admin: true`. */
export function requireAdmin(request: Pick<CallableRequest, 'auth'>): Caller {
  const caller = requireUser(request);
  if (!caller.admin) {
    throw new HttpsError('permission-denied', 'This function is for admins only.');
  }
  return caller;
}

/** The claims of a verified Firebase ID token this app reads. */
export interface IdTokenClaims {
  uid: string;
  admin?: unknown;
  /** When the user signed in, epoch seconds. */
  auth_time?: number;
}

/**
 * The caller of an HTTP function from `Authorization: Bearer <Firebase ID token>`
 * (callables get theirs from the SDK), or null when the header is missing or
 * the token does not verify. `verify` is firebase-admin's `verifyIdToken`.
 */
export async function bearerCaller(
  authorization: string | undefined,
  verify: (idToken: string) => Promise<IdTokenClaims>,
): Promise<Caller | null> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!token) return null;
  try {
    const claims = await verify(token);
    return { uid: claims.uid, admin: claims.admin === true };
  } catch {
    return null;
  }
}

/**
 * {@link bearerCaller} for admin-only views: also null when the token is an
 * admin's whose session was revoked or whose account is disabled
 * (access/sessionCheck.ts). firebase-admin's `verifyIdToken` checks neither in
 * production (without `checkRevoked`); against the Auth emulator it checks both.
 */
export async function bearerAdminCaller(
  authorization: string | undefined,
  verify: (idToken: string) => Promise<IdTokenClaims>,
  sessions: Pick<SessionCheck, 'refusal'>,
): Promise<Caller | null> {
  let authTime = 0;
  const caller = await bearerCaller(authorization, async (token) => {
    const claims = await verify(token);
    authTime = Number(claims.auth_time) || 0;
    return claims;
  });
  if (caller?.admin && (await sessions.refusal(caller.uid, authTime)) !== null) return null;
  return caller;
}
