/**
 * The Stripe fake's control API under /__control/ for tests and the admin
 * page: unauthenticated and CORS-enabled (the SPA runs on another origin),
 * never delayed or failed by faults.
 *
 * | request | effect |
 * | --- | --- |
 * | `GET /__control/faults`, `PUT /__control/faults` | read / replace the faults (faults.ts) |
 * | `GET /__control/ledger` | PaymentIntents, charges, POST requests per idempotency key, requests per endpoint |
 * | `GET /__control/events` | events and delivery attempts |
 * | `POST /__control/payment_intents/{id}/complete_authentication` `{ "succeed"?: false }` | finish 3-D Secure |
 * | `POST /__control/payment_intents/{id}/settle` `{ "succeed"?: false }` | settle a `processing` payment |
 * | `POST /__control/payment_intents` `{ "amount", "currency", "metadata"?, "paymentMethod"? }` | create and confirm a PaymentIntent outside the product |
 * | `POST /__control/payment_intents/{id}/client_confirm` `{ "clientSecret", "paymentMethod" }` | the customer confirms it again client-side (Stripe.js); Stripe's answer |
 * | `POST /__control/refunds` `{ "paymentIntent", "amount"?, "reason"? }` | a refund made in the Dashboard (no metadata); Stripe's answer |
 * | `POST /__control/refunds/pend_next` `{ "count"?: 1 }` | the next `count` refunds stay `pending` (0: none) |
 * | `POST /__control/refunds/{id}/settle` `{ "succeed"?: false, "failureReason"? }` | a pending refund succeeds, or a pending or succeeded one fails |
 * | `POST /__control/disputes` `{ "paymentIntent", "reason"?, "amount"?, "evidenceDueBy"? }` | the cardholder disputes the charge (`charge.dispute.created`, `.funds_withdrawn`) |
 * | `POST /__control/disputes/{id}` `{ "status"?, "evidenceDueBy"? }` | the dispute changes (`.updated`) or closes (`.closed`; `.funds_reinstated` when won) |
 * | `POST /__control/clock` `{ "advanceMs": n }` | move the fake's clock (key retention) |
 * | `PUT /__control/webhooks` `{ "hold": true }` | hold deliveries |
 * | `POST /__control/webhooks/flush` `{ "order"?: "reverse" }` | deliver the held events |
 * | `POST /__control/events/{id}/resend` | deliver an event again |
 * | `POST /__control/reset` | forget everything, faults off, clock back |
 */
import type { IncomingMessage } from 'node:http';
import { controlHandler } from '../shared/control.ts';
import type { FaultConfig } from './faults.ts';
import { FaultConfigError } from './faults.ts';
import type { Charge, PaymentIntent, Refund } from './objects.ts';
import { REFUND_REASONS } from './refundParams.ts';
import type { RefundReason } from './refundParams.ts';
import type { Delivery, StripeEvent } from './webhooks.ts';
import { readBody } from './wire.ts';
import { disputeRoute } from './disputeRoutes.ts';
import type { DisputeChange, DisputeOpen } from './disputes.ts';
import type { Reply } from './wire.ts';

/** What the fake recorded, for tests to compare with the backend's ledger. */
export type FakeLedger = {
  paymentIntents: PaymentIntent[];
  /** Ids of the PaymentIntents created outside the product (the control API's, not the backend's). */
  outsidePaymentIntents: string[];
  charges: Charge[];
  /** Every refund, oldest first (the backend's and the Dashboard's). */
  refunds: Refund[];
  /** POST requests per idempotency key, whatever their outcome. */
  requestsByKey: Record<string, number>;
  /** API requests per endpoint (control requests not counted). */
  requestsByEndpoint: Record<string, number>;
};

/** What the control API reads and changes. */
/**
 * A PaymentIntent created outside the product, as Checkout, Payment Links, the
 * Dashboard or another integration on the same account would: any metadata
 * (naming one of the backend's transactionIds, with or without its uid, or
 * nothing), confirmed at once with `paymentMethod` (default `pm_card_visa`).
 */
export type OutsideIntent = {
  /** Minor units. */
  amount: number;
  /** Lower case, e.g. `usd`. */
  currency: string;
  metadata?: Record<string, string>;
  paymentMethod?: string;
};

/** A refund made in the Stripe Dashboard: no metadata; `amount` defaults to what is left of the charge. */
export type OutsideRefund = { paymentIntent: string; amount?: number; reason?: RefundReason };

export type ControlTarget = {
  faults(): FaultConfig;
  setFaults(next: unknown): FaultConfig;
  ledger(): FakeLedger;
  events(): { events: StripeEvent[]; deliveries: Delivery[] };
  completeAuthentication(piId: string, succeed: boolean): PaymentIntent | null;
  settle(piId: string, succeed: boolean): PaymentIntent | null;
  /** Creates and confirms a PaymentIntent outside the product; its events go out; Stripe's refusal otherwise. */
  createOutside(intent: OutsideIntent): Reply;
  /** Stripe's answer to a client-side confirmation (the PaymentIntent, or Stripe's refusal). */
  clientConfirm(piId: string, clientSecret: string, paymentMethod: string): Reply;
  /** The next `count` refunds stay `pending`. */
  pendRefunds(count: number): number;
  /** Settles (`succeed`) or fails a refund; null when its state does not allow it. */
  settleRefund(refundId: string, succeed: boolean, failureReason?: string): Refund | null;
  /** A refund made in the Dashboard; its events go out; Stripe's refusal otherwise. */
  createOutsideRefund(refund: OutsideRefund): Reply;
  /** Opens a dispute on a PaymentIntent's charge or changes one; its events go out; Stripe-like refusal otherwise. */
  openDispute(p: DisputeOpen): Reply;
  changeDispute(id: string, p: DisputeChange): Reply;
  advanceClock(ms: number): number;
  holdWebhooks(on: boolean): void;
  flushWebhooks(order: 'created' | 'reverse'): number;
  resendEvent(eventId: string): boolean;
  reset(): void;
};

export { isControlPath } from '../shared/control.ts';

const ok = (body: unknown): Reply => ({ status: 200, body });
const fail = (status: number, message: string): Reply => ({ status, body: { error: { message } } });

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const text = await readBody(req);
  if (text === null) return null;
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

async function route(t: ControlTarget, req: IncomingMessage, method: string, path: string): Promise<Reply> {
  const name = `${method} ${path}`;
  if (name === 'GET /__control/faults') return ok(t.faults());
  if (name === 'GET /__control/ledger') return ok(t.ledger());
  if (name === 'GET /__control/events') return ok(t.events());
  if (name === 'POST /__control/reset') return (t.reset(), ok({ ok: true }));
  const body = method === 'GET' ? {} : await jsonBody(req);
  if (body === null) return fail(400, 'The body must be a JSON object.');
  if (name === 'PUT /__control/faults') {
    try {
      return ok(t.setFaults(body));
    } catch (err) {
      if (err instanceof FaultConfigError) return fail(400, err.message);
      throw err;
    }
  }
  if (name === 'POST /__control/clock') {
    const ms = body.advanceMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      return fail(400, '"advanceMs" must be a number >= 0.');
    return ok({ now: t.advanceClock(ms) });
  }
  if (name === 'PUT /__control/webhooks') {
    if (typeof body.hold !== 'boolean') return fail(400, '"hold" must be true or false.');
    t.holdWebhooks(body.hold);
    return ok({ hold: body.hold });
  }
  if (name === 'POST /__control/webhooks/flush') {
    return ok({ delivered: t.flushWebhooks(body.order === 'reverse' ? 'reverse' : 'created') });
  }
  if (name === 'POST /__control/payment_intents') {
    const outside = outsideIntent(body);
    return typeof outside === 'string' ? fail(400, outside) : t.createOutside(outside);
  }
  const confirm = /^\/__control\/payment_intents\/([^/]+)\/client_confirm$/.exec(path);
  if (confirm && method === 'POST') {
    const { clientSecret, paymentMethod } = body;
    if (typeof clientSecret !== 'string' || typeof paymentMethod !== 'string')
      return fail(400, '"clientSecret" and "paymentMethod" must be strings.');
    return t.clientConfirm(confirm[1]!, clientSecret, paymentMethod);
  }
  const intent = /^\/__control\/payment_intents\/([^/]+)\/(complete_authentication|settle)$/.exec(path);
  if (intent && method === 'POST') {
    const succeed = body.succeed !== false;
    const pi = intent[2] === 'settle' ? t.settle(intent[1]!, succeed) : t.completeAuthentication(intent[1]!, succeed);
    const waiting = intent[2] === 'settle' ? 'processing' : 'requires_action';
    return pi ? ok(pi) : fail(409, `No PaymentIntent ${intent[1]} in status ${waiting}.`);
  }
  const refund = refundRoute(t, method, path, body) ?? disputeRoute(t, method, path, body);
  if (refund) return refund;
  const resend = /^\/__control\/events\/([^/]+)\/resend$/.exec(path);
  if (resend && method === 'POST') return t.resendEvent(resend[1]!) ? ok({ ok: true }) : fail(404, 'No such event.');
  return fail(404, `No control endpoint ${name}.`);
}

/** The refund control routes' reply, or null for another path. */
function refundRoute(t: ControlTarget, method: string, path: string, body: Record<string, unknown>): Reply | null {
  if (method !== 'POST') return null;
  if (path === '/__control/refunds') {
    const { paymentIntent, amount, reason } = body;
    if (typeof paymentIntent !== 'string') return fail(400, '"paymentIntent" must be a string.');
    if (amount !== undefined && (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1))
      return fail(400, '"amount" must be a positive integer (minor units).');
    if (reason !== undefined && !REFUND_REASONS.includes(reason as RefundReason))
      return fail(400, `"reason" must be one of ${REFUND_REASONS.join(', ')}.`);
    return t.createOutsideRefund({
      paymentIntent,
      ...(amount === undefined ? {} : { amount }),
      ...(reason === undefined ? {} : { reason: reason as RefundReason }),
    });
  }
  if (path === '/__control/refunds/pend_next') {
    const count = body.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 1000)
      return fail(400, '"count" must be a whole number from 0 to 1000.');
    return ok({ pendingNext: t.pendRefunds(count) });
  }
  const settle = /^\/__control\/refunds\/([^/]+)\/settle$/.exec(path);
  if (!settle) return null;
  const { failureReason } = body;
  if (failureReason !== undefined && typeof failureReason !== 'string')
    return fail(400, '"failureReason" must be a string.');
  const refund = t.settleRefund(settle[1]!, body.succeed !== false, failureReason);
  return refund
    ? ok(refund)
    : fail(409, `Refund ${settle[1]} cannot be ${body.succeed === false ? 'failed' : 'settled'}.`);
}

/** The body of an outside PaymentIntent, or what is wrong with it. */
function outsideIntent(body: Record<string, unknown>): OutsideIntent | string {
  const { amount, currency, metadata, paymentMethod } = body;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1)
    return '"amount" must be a positive integer (minor units).';
  if (typeof currency !== 'string') return '"currency" must be a string.';
  if (paymentMethod !== undefined && typeof paymentMethod !== 'string') return '"paymentMethod" must be a string.';
  const meta = metadata ?? {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    return '"metadata" must be an object of strings.';
  if (Object.values(meta).some((v) => typeof v !== 'string')) return '"metadata" must be an object of strings.';
  return {
    amount,
    currency,
    metadata: meta as Record<string, string>,
    ...(paymentMethod === undefined ? {} : { paymentMethod }),
  };
}

/** Answers one control request, CORS preflights included. */
export const handleControl = controlHandler(route);
