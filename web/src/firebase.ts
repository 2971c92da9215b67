import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';

/**
 * The Firebase client. In development (`vite dev`, or a build made with
 * VITE_USE_EMULATORS=true) it talks to the local emulators on 127.0.0.1.
 */
const env = import.meta.env;
export const useEmulators = env.VITE_USE_EMULATORS ? env.VITE_USE_EMULATORS === 'true' : env.DEV;
const projectId = env.VITE_FIREBASE_PROJECT_ID ?? 'demo-payments';

export const app = initializeApp({
  apiKey: env.VITE_FIREBASE_API_KEY ?? 'demo-api-key',
  projectId,
  authDomain: env.VITE_FIREBASE_AUTH_DOMAIN ?? `${projectId}.firebaseapp.com`,
});
export const auth = getAuth(app);
export const functions = getFunctions(app);

if (useEmulators) {
  const host = typeof location !== 'undefined' && location.hostname === 'localhost' ? 'localhost' : '127.0.0.1';
  connectAuthEmulator(auth, `http://${host}:9099`, { disableWarnings: true });
  connectFunctionsEmulator(functions, host, 5001);
}

/** Calls a callable by name and returns its data. */
export async function callFunction<T>(name: string, data?: unknown): Promise<T> {
  const result = await httpsCallable(functions, name, { timeout: 70_000 })(data ?? {});
  return result.data as T;
}
