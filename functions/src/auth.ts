import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';

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
