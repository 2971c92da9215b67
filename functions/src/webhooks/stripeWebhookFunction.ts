/**
 * `stripeWebhook`: the HTTPS endpoint Stripe delivers events to (2nd gen
 * `onRequest`, public: Stripe signs, it does not authenticate), a thin wrapper
 * around handleStripeWebhook. It passes the raw body (`req.rawBody`, which
 * firebase-functions keeps beside the parsed one) and the header, answers with
 * the handler's reply, and does the end-of-call housekeeping before
 * answering, since CPU is throttled after the response.
 */
import { defineSecret } from 'firebase-functions/params';
import { onRequest } from 'firebase-functions/v2/https';
import { config, sharedFunctionOptions } from '../config/index.js';
import { afterCall } from '../app/housekeeping.js';
import { logEvent } from '../observability/logs/logger.js';
import { registerSecret } from '../observability/logs/redact.js';
import { runtime } from '../app/runtime.js';
import { FirestoreProcessedEvents } from './stripeEvents.js';
import { handleStripeWebhook } from './stripeWebhook.js';

/** The webhook endpoint's signing secret (`whsec_...`): `firebase functions:secrets:set STRIPE_WEBHOOK_SECRET`. */
export const stripeWebhookSecret = defineSecret('STRIPE_WEBHOOK_SECRET');

/** Stripe's deliveries wait for at most a few seconds per attempt; the handler needs one or two ledger round trips. */
const TIMEOUT_SECONDS = 30;

export const stripeWebhook = onRequest(
  {
    ...sharedFunctionOptions(config()),
    secrets: [stripeWebhookSecret],
    timeoutSeconds: TIMEOUT_SECONDS,
    invoker: 'public',
  },
  async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').json({ received: false, error: 'POST only' });
      return;
    }
    const rt = runtime();
    const refusalLines = rt.refusalLog.lines;
    const secret = stripeWebhookSecret.value();
    registerSecret(secret);
    const reply = await handleStripeWebhook(
      {
        secret,
        ledger: rt.ledger,
        events: new FirestoreProcessedEvents(rt.runQuery),
        emit: (event, fields, severity = 'INFO') => {
          // Unsigned requests may come in floods: one line per interval, with their count.
          if (event === 'stripe_webhook.rejected') rt.refusalLog.record(event, event, fields, severity);
          else logEvent(event, fields, severity);
        },
      },
      { rawBody: req.rawBody, signature: req.get('stripe-signature') },
    );
    // A refused request ships nothing of its own unless it wrote the interval's line.
    await afterCall(rt, { ship: reply.status !== 400 || rt.refusalLog.lines !== refusalLines });
    res.status(reply.status).json(reply.body);
  },
);
