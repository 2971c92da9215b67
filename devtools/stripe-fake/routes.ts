/**
 * The Stripe fake's API routes: which endpoint a request hits, and carrying
 * out an authenticated request once faults and idempotency let it through
 * (server.ts decides those). Every execution answers with the reply, whether
 * it is saved for the idempotency key, and the events it caused, each with a
 * snapshot of its object.
 */
import { decodeSegment } from '../shared/http.ts';
import type { Endpoint } from './faults.ts';
import type { Intents, Operation } from './intents.ts';
import type { Refunds } from './refunds.ts';
import type { StripeEvent } from './webhooks.ts';
import { FormError, invalidRequest, parseForm } from './wire.ts';
import type { Reply } from './wire.ts';

/** The outcome of one request or control transition: the reply, whether it is saved, and the events to send. */
export type Executed = {
  reply: Reply;
  saved: boolean;
  events: { type: StripeEvent['type']; object: StripeEvent['data']['object'] }[];
};

const ROUTES: [RegExp, string, Endpoint][] = [
  [/^\/v1\/payment_intents$/, 'POST', 'create'],
  [/^\/v1\/payment_intents\/([^/]+)\/confirm$/, 'POST', 'confirm'],
  [/^\/v1\/payment_intents\/([^/]+)\/cancel$/, 'POST', 'cancel'],
  [/^\/v1\/payment_intents\/([^/]+)$/, 'GET', 'retrieve'],
  [/^\/v1\/refunds$/, 'POST', 'refund_create'],
  [/^\/v1\/refunds$/, 'GET', 'refund_list'],
  [/^\/v1\/refunds\/([^/]+)$/, 'GET', 'refund_retrieve'],
  [/^\/v1\/balance$/, 'GET', 'balance'],
];

/** The endpoint of a request and the id in its path ('' when none); `other` for anything the fake does not serve. */
export function classify(method: string, path: string): { endpoint: Endpoint; id: string } {
  for (const [pattern, m, endpoint] of ROUTES) {
    const match = pattern.exec(path);
    if (match && m === method) return { endpoint, id: decodeSegment(match[1] ?? '') };
  }
  return { endpoint: 'other', id: '' };
}

const BALANCE = {
  object: 'balance',
  livemode: false,
  available: [{ amount: 0, currency: 'usd' }],
  pending: [{ amount: 0, currency: 'usd' }],
};

const read = (reply: Reply): Executed => ({ reply, saved: true, events: [] });

/** A PaymentIntent operation as an execution: its events carry the PaymentIntent as the operation left it. */
export function intentExecuted(intents: Intents, op: Operation): Executed {
  const pi = op.piId ? intents.get(op.piId) : undefined;
  return { reply: op.reply, saved: op.saved, events: pi ? op.events.map((type) => ({ type, object: pi })) : [] };
}

/** Carries out requests against the fake's PaymentIntents and refunds. */
export function executor(intents: Intents, refunds: Refunds) {
  return (endpoint: Endpoint, id: string, body: string, query: URLSearchParams): Executed => {
    if (endpoint === 'balance') return read({ status: 200, body: BALANCE });
    if (endpoint === 'retrieve') return read(intents.retrieve(id));
    if (endpoint === 'refund_retrieve') return read(refunds.retrieve(id));
    if (endpoint === 'refund_list') return read(refunds.list(query));
    let form;
    try {
      form = parseForm(body);
    } catch (err) {
      if (!(err instanceof FormError)) throw err;
      return { reply: invalidRequest(err.message), saved: false, events: [] };
    }
    if (endpoint === 'refund_create') return refunds.create(form);
    if (endpoint === 'create') return intentExecuted(intents, intents.create(form));
    if (endpoint === 'confirm') return intentExecuted(intents, intents.confirm(id, form));
    return intentExecuted(intents, intents.cancel(id, form));
  };
}
