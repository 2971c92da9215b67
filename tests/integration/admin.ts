// firebase-admin against the emulators, for test setup and ledger assertions.
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { PROJECT_ID } from './client.js';

/** Admin-SDK Firestore bound to the emulator (FIRESTORE_EMULATOR_HOST is set by emulators:exec). */
export function adminDb() {
  const app = getApps().find((a) => a.name === 'tests') ?? initializeApp({ projectId: PROJECT_ID }, 'tests');
  return getFirestore(app);
}
