import { initializeApp } from 'firebase/app';
import {
  browserLocalPersistence,
  browserSessionPersistence,
  connectAuthEmulator,
  indexedDBLocalPersistence,
  initializeAuth,
} from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { MONEY_MOVING_CALLABLES } from './api/types';
import { startAppCheck } from './appCheck';
import { webConfig } from './lib/buildEnv';

/**
 * The Firebase client. In development (`vite dev`, or a build made with
 * VITE_USE_EMULATORS=true) it talks to the local emulators on 127.0.0.1 as the
 * demo project; any other page needs its project's settings (lib/buildEnv.ts).
 */
const cfg = webConfig(import.meta.env, import.meta.env.DEV);
export const useEmulators = cfg.emulators;

export const app = initializeApp({
  apiKey: cfg.apiKey,
  projectId: cfg.projectId,
  authDomain: cfg.authDomain,
  ...(cfg.appId ? { appId: cfg.appId } : {}),
});
// Before the first call, so that every call carries a token (the functions refuse calls without one).
export const appCheck = startAppCheck(app, cfg);
// getAuth() would also install the popup/redirect resolver, which loads apis.google.com scripts and an
// authDomain iframe on Safari and mobile browsers. The page signs in with email and password only, so
// without it the Content-Security-Policy (firebase.json) needs neither.
export const auth = initializeAuth(app, {
  persistence: [indexedDBLocalPersistence, browserLocalPersistence, browserSessionPersistence],
});
export const functions = getFunctions(app, cfg.functionsRegion);

const emulatorHost = typeof location !== 'undefined' && location.hostname === 'localhost' ? 'localhost' : '127.0.0.1';

/** Base URL of the HTTP functions (`health`): the emulator's, or the project's cloudfunctions.net host. */
export const functionsBaseUrl = useEmulators
  ? `http://${emulatorHost}:5001/${cfg.projectId}/${cfg.functionsRegion}`
  : `https://${cfg.functionsRegion}-${cfg.projectId}.cloudfunctions.net`;

if (useEmulators) {
  const host = emulatorHost;
  connectAuthEmulator(auth, `http://${host}:9099`, { disableWarnings: true });
  connectFunctionsEmulator(functions, host, 5001);
}

/**
 * Calls a callable by name and returns its data. Each call of a money-moving
 * callable (processPayment) gets a limited-use App Check token of its own:
 * the functions consume those tokens (APP_CHECK_CONSUME, replay protection).
 */
export async function callFunction<T>(name: string, data?: unknown): Promise<T> {
  const limitedUseAppCheckTokens = MONEY_MOVING_CALLABLES.includes(name);
  const result = await httpsCallable(functions, name, { timeout: 70_000, limitedUseAppCheckTokens })(data ?? {});
  return result.data as T;
}

/** The signed-in user's Firebase ID token (for HTTP functions), or null when nobody is signed in. */
export async function idToken(): Promise<string | null> {
  return (await auth.currentUser?.getIdToken()) ?? null;
}
