// A consumer of the payments' events as another system would write one
// (docs/events.md): each function records the CloudEvent it receives in
// `eventarcReceived/{id}`, which tests/integration/eventarc.test.ts reads.
// Test-only: scripts/emulator-config.mjs adds this codebase to the emulator
// test config, never to firebase.json, so no deploy ever sees it. Its
// dependencies resolve from the repository's node_modules.
import { initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { onCustomEventPublished } from 'firebase-functions/v2/eventarc';

initializeApp();

/** A function recording every event of `eventType` published on the default channel (us-central1, `firebase`). */
const recording = (eventType) =>
  onCustomEventPublished(eventType, async (event) => {
    const { id, type, source, subject, time, data } = event;
    await getFirestore().doc(`eventarcReceived/${id}`).set({ type, source, subject, time, data });
  });

export const testConsumerPaymentSucceeded = recording('resilient-payments.v1.payment.succeeded');
export const testConsumerPaymentDeclined = recording('resilient-payments.v1.payment.declined');
export const testConsumerRefundSucceeded = recording('resilient-payments.v1.refund.succeeded');
