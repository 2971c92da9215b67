// The real Firebase web SDK client, connected to the emulators, for integration tests.
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { CustomProvider, initializeAppCheck } from 'firebase/app-check';
import {
  connectAuthEmulator,
  getAuth,
  signInWithEmailAndPassword,
  createUserWithEmailAndPassword,
} from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable, type FunctionsError } from 'firebase/functions';
import { connectFirestoreEmulator, getFirestore, type Firestore } from 'firebase/firestore';
import { readFileSync } from 'node:fs';
import { DEV_APP_ID, devAppCheckToken } from '../../web/src/lib/appCheckDevToken.js';

/** The part of .firebaserc the tests read. */
interface FirebaseRc {
  projects: { default: string };
}

const firebaserc = JSON.parse(readFileSync(new URL('../../.firebaserc', import.meta.url), 'utf8')) as FirebaseRc;
export const PROJECT_ID = firebaserc.projects.default;
export const USERS = {
  admin: { email: 'admin@example.com', password: 'admin-password' },
  user: { email: 'user@example.com', password: 'user-password' },
} as const;

let counter = 0;

/** One signed-in (or anonymous-less, signed-out) client session. */
export interface Session {
  app: FirebaseApp;
  db: Firestore;
  uid: string | null;
  /** Calls a callable and returns its data, or throws the FunctionsError. */
  call<T = unknown>(name: string, data?: unknown): Promise<T>;
  /** Calls a callable and returns the error code ('ok' when it succeeded). */
  codeOf(name: string, data?: unknown): Promise<string>;
  close(): Promise<void>;
}

/** An App Check token as a CustomProvider hands it to the SDK. */
export type AppCheckToken = { token: string; expireTimeMillis: number };

/** Session options: `appCheck: false` opens one whose calls carry no App Check token; a function supplies the tokens. */
export interface SessionOptions {
  appCheck?: false | (() => AppCheckToken);
}

/**
 * Opens a client session; signs in when `who` is given (a seeded user or fresh
 * credentials). Its calls carry development App Check tokens (the web SDK's App
 * Check with a CustomProvider, as the SPA does with the emulators) unless
 * `appCheck: false`.
 */
export async function session(
  who?: { email: string; password: string } | 'new',
  opts: SessionOptions = {},
): Promise<Session> {
  const app = initializeApp(
    { projectId: PROJECT_ID, apiKey: 'demo-api-key', authDomain: `${PROJECT_ID}.firebaseapp.com` },
    `t${++counter}-${Date.now()}`,
  );
  if (opts.appCheck !== false) {
    const issue = opts.appCheck ?? (() => devAppCheckToken(DEV_APP_ID));
    initializeAppCheck(app, {
      provider: new CustomProvider({ getToken: () => Promise.resolve(issue()) }),
      isTokenAutoRefreshEnabled: false,
    });
  }
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099'}`, {
    disableWarnings: true,
  });
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, '127.0.0.1', 5001);
  const db = getFirestore(app);
  const [fsHost, fsPort] = (process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8080').split(':');
  connectFirestoreEmulator(db, fsHost!, Number(fsPort));
  let uid: string | null = null;
  if (who === 'new') {
    const email = `u${Date.now()}${Math.floor(Math.random() * 1e6)}@example.com`;
    uid = (await createUserWithEmailAndPassword(auth, email, 'password-123')).user.uid;
  } else if (who) {
    uid = (await signInWithEmailAndPassword(auth, who.email, who.password)).user.uid;
  }
  const call = async <T>(name: string, data?: unknown): Promise<T> =>
    (await httpsCallable(functions, name, { timeout: 70_000 })(data)).data as T;
  return {
    app,
    db,
    uid,
    call,
    async codeOf(name, data) {
      try {
        await call(name, data);
        return 'ok';
      } catch (err) {
        return String((err as FunctionsError).code).replace(/^functions\//, '');
      }
    },
    close: () => deleteApp(app),
  };
}

/** The error a call answered with, as the web SDK reports it (code without its `functions/` prefix); fails when the call succeeds. */
export async function errorOf(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: string; message: string; details?: Record<string, unknown> };
    return { code: e.code.replace(/^functions\//, ''), message: e.message, details: e.details };
  }
  throw new Error('expected the call to fail');
}
