// Firebase clients for the emulator sections: the real web SDK (what the SPA
// and apps use) signed in as a seeded user, and firebase-admin for reading the
// Firestore ledger and breaker documents. Mirrors tests/integration/client.ts.
import { deleteApp, initializeApp } from 'firebase/app';
import { CustomProvider, initializeAppCheck } from 'firebase/app-check';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { PROJECT_ID } from '../../scripts/local-env.mjs';
import { devAppCheckToken } from '../../web/src/lib/appCheckDevToken.ts';
import { dep } from './project.mjs';

let counter = 0;

/** A web SDK session signed in as `who` ({ email, password }); `call` returns the callable's data or throws its FunctionsError. */
export async function session(who) {
  const app = initializeApp(
    { projectId: PROJECT_ID, apiKey: 'demo-api-key', authDomain: `${PROJECT_ID}.firebaseapp.com` },
    `bench-${++counter}`,
  );
  // The callables enforce App Check: development tokens, as tests/integration/client.ts sends them.
  const provider = new CustomProvider({ getToken: async () => devAppCheckToken() });
  initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: false });
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099'}`, {
    disableWarnings: true,
  });
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, '127.0.0.1', 5001);
  const { user } = await signInWithEmailAndPassword(auth, who.email, who.password);
  const callables = new Map();
  const call = async (name, data) => {
    if (!callables.has(name)) callables.set(name, httpsCallable(functions, name, { timeout: 70_000 }));
    return (await callables.get(name)(data)).data;
  };
  return { uid: user.uid, call, close: () => deleteApp(app) };
}

/** `functions/unavailable` -> `unavailable`. */
export function callableCode(err) {
  return String(err?.code ?? 'unknown').replace(/^functions\//, '');
}

/** firebase-admin Firestore bound to the emulator (FIRESTORE_EMULATOR_HOST is set by emulators:exec). */
export function adminDb() {
  const { getApps, initializeApp: initAdmin } = dep('firebase-admin/app');
  const { getFirestore } = dep('firebase-admin/firestore');
  const app = getApps().find((a) => a.name === 'bench-admin') ?? initAdmin({ projectId: PROJECT_ID }, 'bench-admin');
  return getFirestore(app);
}
