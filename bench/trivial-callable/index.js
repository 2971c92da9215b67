// The end-to-end bench's baseline: a signed-in callable that writes one
// Firestore document. It lives outside functions/ on purpose: it is loaded
// only by the bench's own emulator config (bench/emulator.mjs adds this folder
// as an extra codebase), and firebase.json does not list it, so it is never deployed.
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { HttpsError, onCall } from 'firebase-functions/v2/https';

/** `benchTrivialWrite` (any signed-in user, no payload) -> `{ id }` of the document it wrote. */
export const benchTrivialWrite = onCall({ timeoutSeconds: 60, memory: '256MiB' }, async (request) => {
  if (!request.auth?.uid) throw new HttpsError('unauthenticated', 'Sign in to call this function.');
  const app = getApps()[0] ?? initializeApp();
  const ref = await getFirestore(app).collection('benchTrivial').add({ uid: request.auth.uid, at: Date.now() });
  return { id: ref.id };
});

export { benchPaymentFloor } from './paymentFloor.js';
