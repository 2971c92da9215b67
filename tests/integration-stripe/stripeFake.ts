// Drives the Stripe fake started by scripts/test.mjs (Stripe mode): its control
// API, its Stripe API as another Stripe client would use it, and the
// development secrets both sides read from functions/.secret.local.
import { readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';
import { dotenvValue } from '../../devtools/dotenv.ts';
import { stripeFakeControl } from '../../devtools/stripe-fake/client.ts';
import type { Delivery, PaymentIntent } from '../../devtools/stripe-fake/server.ts';
import { PROJECT_ID } from '../integration/client.js';

export const FAKE_URL = process.env.STRIPE_FAKE_URL ?? 'http://127.0.0.1:12111';
export const WEBHOOK_URL = `http://127.0.0.1:5001/${PROJECT_ID}/us-central1/stripeWebhook`;

const secrets = readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8');
/** A development secret of functions/.secret.local (written by scripts/local-env.mjs ensureDevSecret). */
export function devSecret(name: 'PAYMENT_API_KEY' | 'STRIPE_WEBHOOK_SECRET'): string {
  const value = dotenvValue(secrets, name);
  if (!value) throw new Error(`functions/.secret.local has no ${name}: run the tests through npm test`);
  return value;
}

const control = stripeFakeControl(FAKE_URL);

export const setFaults = control.setFaults;
export const fakeLedger = control.ledger;
export const fakeEvents = control.events;
export const holdWebhooks = control.holdWebhooks;
export const flushWebhooks = control.flushWebhooks;
export const resendEvent = control.resendEvent;
export const completeAuthentication = (piId: string) => control.completeAuthentication(piId);
/** Finishes (`succeed`) or fails 3-D Secure of a `requires_action` PaymentIntent. */
export const completeAuthenticationAs = (piId: string, succeed: boolean) =>
  control.completeAuthentication(piId, succeed);
/** The customer confirms a PaymentIntent again client-side (Stripe.js) with its client secret and another card. */
export const clientConfirm = control.clientConfirm;
export const settleProcessing = (piId: string) => control.settle(piId);
/** A PaymentIntent created and confirmed outside the product (Checkout, Payment Links, the Dashboard). */
export const createOutside = control.createOutside;
/** The cardholder disputes a charge; a dispute changes or closes (signed `charge.dispute.*` webhooks go out). */
export const openDispute = control.openDispute;
export const changeDispute = control.changeDispute;
/** A refund made in the Stripe Dashboard (no metadata of ours). */
export const createOutsideRefund = control.createOutsideRefund;
/** The next `count` refunds stay pending. */
export const pendRefunds = control.pendRefunds;
/** Settles a pending refund, or (`succeed: false`) fails a pending or succeeded one. */
export const settleRefund = control.settleRefund;

/** Total Stripe API requests the fake has answered (control requests excluded). */
export async function apiRequests(): Promise<number> {
  const { requestsByEndpoint } = await fakeLedger();
  return Object.values(requestsByEndpoint).reduce((a, b) => a + b, 0);
}

/** The PaymentIntents whose metadata names `transactionId`. */
export async function intentsOf(transactionId: string): Promise<PaymentIntent[]> {
  return (await fakeLedger()).paymentIntents.filter((pi) => pi.metadata.transactionId === transactionId);
}

/** A Stripe API request as another client would send it (form-encoded, Bearer key). */
export async function stripeApi(
  method: string,
  path: string,
  form: Record<string, string>,
  idempotencyKey: string,
): Promise<{ status: number; body: PaymentIntent & { error?: { type: string } } }> {
  const res = await fetch(`${FAKE_URL}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${devSecret('PAYMENT_API_KEY')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Idempotency-Key': idempotencyKey,
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as PaymentIntent & { error?: { type: string } } };
}

/**
 * Waits until the fake has no webhook delivery outstanding: the last delivery
 * attempt of every event (resends included) was taken by the stripeWebhook
 * function with a 2xx. Held events, never sent yet, do not count. Generous:
 * concurrent deliveries each start a cold emulator worker, which on a busy
 * machine can outlast the fake's 10 s delivery timeout (it then retries).
 */
export async function webhooksDelivered(timeoutMs = 60_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const { deliveries } = await fakeEvents();
      const last = new Map<string, Delivery>();
      for (const d of deliveries) last.set(d.eventId, d);
      const open = [...last.values()]
        .filter((d) => d.status === undefined || d.status >= 300)
        .map((d) => `${d.type} ${d.eventId} attempt ${d.attempt}: ${d.status ?? d.error ?? 'on the wire'}`);
      expect(open, 'webhook deliveries the stripeWebhook function did not take').toEqual([]);
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

/** Starts a stripeWebhook worker (an unsigned POST is answered 400 and writes nothing) so the first delivery is not cold. */
export async function warmWebhook(): Promise<void> {
  const res = await fetch(WEBHOOK_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  await res.arrayBuffer();
  expect(res.status).toBe(400);
}
