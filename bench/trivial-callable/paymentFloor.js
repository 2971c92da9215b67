// The end-to-end bench's second reference: the I/O a write-ahead payment cannot
// do without, and nothing else. One Firestore write of the record before the
// provider is called, one POST /charge to the payment simulator, one write of
// the outcome, one PutLogEvents to the local CloudWatch endpoint (logs ship
// inside the call), all awaited one after the other, as a payment must. No
// validation, limits, breaker, retries, history, seals or metrics: what
// processPayment costs above this row is the project's own code and the
// documents it writes beside the record. Bench-only, like index.js.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { defineSecret } from 'firebase-functions/params';
import { HttpsError, onCall } from 'firebase-functions/v2/https';

const apiKey = defineSecret('PAYMENT_API_KEY');
const LOG_GROUP = '/payments/bench-floor';
const LOG_STREAM = `floor-${process.pid}`;
let logs;
let streamReady = false;

/** The bench writes BENCH_PROVIDER_URL and BENCH_CLOUDWATCH_ENDPOINT into this codebase's .env (bench/emulator.mjs). */
function cloudWatch() {
  // The AWS SDK v3 client keeps its sockets alive, as the shipper's pooled agent does.
  logs ??= new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint: process.env.BENCH_CLOUDWATCH_ENDPOINT,
    credentials: { accessKeyId: 'AKIDBENCHFLOOR', secretAccessKey: 'bench-floor-local-endpoint' },
    maxAttempts: 1,
  });
  return logs;
}

async function shipLine(message) {
  if (!streamReady) {
    const exists = (err) => {
      if (err?.name !== 'ResourceAlreadyExistsException') throw err;
    };
    await cloudWatch()
      .send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }))
      .catch(exists);
    await cloudWatch()
      .send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: LOG_STREAM }))
      .catch(exists);
    streamReady = true;
  }
  await cloudWatch().send(
    new PutLogEventsCommand({
      logGroupName: LOG_GROUP,
      logStreamName: LOG_STREAM,
      logEvents: [{ timestamp: Date.now(), message }],
    }),
  );
}

/**
 * `benchPaymentFloor({ transactionId })` (any signed-in user) -> `{ status }`.
 * The record goes to payments/{transactionId} as the provider's charge says
 * (minor units), so section 6's reconciliation of every provider charge
 * against `payments` still balances when both sections share the emulators.
 */
export const benchPaymentFloor = onCall(
  { timeoutSeconds: 60, memory: '256MiB', secrets: [apiKey] },
  async (request) => {
    if (!request.auth?.uid) throw new HttpsError('unauthenticated', 'Sign in to call this function.');
    const transactionId = String(request.data?.transactionId ?? '');
    if (!/^[\w-]{1,200}$/.test(transactionId)) throw new HttpsError('invalid-argument', 'transactionId is required.');
    const app = getApps()[0] ?? initializeApp();
    const ref = getFirestore(app).collection('payments').doc(transactionId);
    const charge = { amount: 1999, currency: 'USD', paymentMethod: 'card_visa', transactionId };
    await ref.create({ uid: request.auth.uid, ...charge, status: 'pending', createdAt: Date.now() });
    const res = await fetch(`${process.env.BENCH_PROVIDER_URL}/charge`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${apiKey.value()}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': transactionId,
      },
      body: JSON.stringify(charge),
    });
    const answer = await res.json();
    if (!answer.id) throw new HttpsError('unavailable', `The simulator answered ${res.status}.`);
    await ref.update({ status: answer.status, chargeId: answer.id, updatedAt: Date.now() });
    await shipLine(JSON.stringify({ event: 'bench.floor', transactionId, status: answer.status }));
    return { status: answer.status };
  },
);
