/**
 * `stripeWebhook`: the HTTPS endpoint Stripe delivers events to (2nd gen
 * `onRequest`, public: Stripe signs, it does not authenticate), a thin wrapper
 * around handleStripeWebhook. It passes the raw body (`req.rawBody`, which
 * firebase-functions keeps beside the parsed one) and the header, answers with
 * the handler's reply; the lifecycle (end-of-call work before answering, also
 * when the work throws) is defineHttpFunction's. It never calls the payment
 * provider, so it mounts its signing secret and the log shipper's only.
 */
import { defineSecret } from 'firebase-functions/params';
import { config, sharedFunctionOptions } from '../config/index.js';
import { registerSecret } from '../observability/logs/redact.js';
import { logShippingSecrets } from '../config/secrets.js';
import { defineHttpFunction } from '../lifecycle/defineHttpFunction.js';
import { webhookEventSink } from '../app/subscriptions.js';
import { FirestoreIntentRecords } from './intentRecords.js';
import { FirestoreProcessedEvents } from './stripeEvents.js';
import { handleStripeWebhook } from './stripeWebhook.js';
import { routeWebhookEvents } from './webhookRouting.js';

/** The webhook endpoint's signing secret (`whsec_...`): `firebase functions:secrets:set STRIPE_WEBHOOK_SECRET`. */
export const stripeWebhookSecret = defineSecret('STRIPE_WEBHOOK_SECRET');

/** Stripe's deliveries wait for at most a few seconds per attempt; the handler needs one or two ledger round trips. */
const TIMEOUT_SECONDS = 30;

export const stripeWebhook = defineHttpFunction(
  {
    ...sharedFunctionOptions(config()),
    secrets: [stripeWebhookSecret, ...logShippingSecrets],
    timeoutSeconds: TIMEOUT_SECONDS,
    invoker: 'public',
  },
  async (req, rt, call) => {
    if (req.method !== 'POST') {
      return { status: 405, headers: { Allow: 'POST' }, body: { received: false, error: 'POST only' } };
    }
    const refusalLines = rt.refusalLog.lines;
    const logged = webhookEventSink(rt.metrics, rt.refusalLog);
    const secret = stripeWebhookSecret.value();
    registerSecret(secret);
    const reply = await handleStripeWebhook(
      {
        secret,
        ledger: rt.ledger,
        refunds: rt.refundLedger,
        intents: new FirestoreIntentRecords(rt.runQuery),
        events: new FirestoreProcessedEvents(rt.runQuery),
        emit: routeWebhookEvents({ logged, refundEvents: rt.refundEvents, publish: rt.publishEvents }),
      },
      { rawBody: req.rawBody, signature: req.get('stripe-signature') },
    );
    // A refused request ships nothing of its own unless it wrote the interval's line.
    call.ship = reply.status !== 400 || rt.refusalLog.lines !== refusalLines;
    return reply;
  },
);
