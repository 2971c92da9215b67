/**
 * Test helpers for the Stripe fake's own tests: a client speaking its API the
 * way Stripe's wire format is spoken (form-encoded bodies, Bearer key,
 * Idempotency-Key), over real HTTP.
 */
import type { PaymentIntent, Refund } from './objects.ts';

/** An error body in Stripe's shape. */
export type ErrorBody = {
  error: {
    type: string;
    code?: string;
    decline_code?: string;
    message: string;
    param?: string;
    payment_intent?: PaymentIntent;
  };
};

/** What one request answered: status, headers and parsed JSON. */
export type Answer<T = unknown> = { status: number; headers: Headers; body: T };

/** The create parameters the backend sends, for `transactionId`. */
export const createForm = (transactionId: string, paymentMethod = 'pm_card_visa', amount = 1999) =>
  new URLSearchParams({
    amount: String(amount),
    currency: 'usd',
    payment_method: paymentMethod,
    'metadata[transactionId]': transactionId,
    'metadata[uid]': 'u1',
    'automatic_payment_methods[enabled]': 'true',
    'automatic_payment_methods[allow_redirects]': 'never',
  }).toString();

/** A client of one running fake (`baseUrl` is read per request: tests start a fresh fake each). */
export function clientFor(baseUrl: () => string, apiKey: string) {
  async function call<T>(
    method: string,
    path: string,
    init: { body?: string; key?: string; auth?: string | null; signal?: AbortSignal } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    const auth = init.auth === undefined ? `Bearer ${apiKey}` : init.auth;
    if (auth !== null) headers.Authorization = auth;
    if (init.key !== undefined) headers['Idempotency-Key'] = init.key;
    if (init.body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body: init.body, signal: init.signal });
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  }

  /** Creates a PaymentIntent; the key defaults to `<transactionId>:create`. */
  const create = (transactionId: string, paymentMethod?: string, amount?: number, key = `${transactionId}:create`) =>
    call<PaymentIntent & ErrorBody>('POST', '/v1/payment_intents', {
      body: createForm(transactionId, paymentMethod, amount),
      key,
    });

  /** Confirms a PaymentIntent with `key`. */
  const confirm = (id: string, key: string, body = '') =>
    call<PaymentIntent & ErrorBody>('POST', `/v1/payment_intents/${id}/confirm`, { body, key });

  const retrieve = (id: string) => call<PaymentIntent & ErrorBody>('GET', `/v1/payment_intents/${id}`);

  /** A succeeded PaymentIntent of `amount` for `transactionId`: its id and its charge's. */
  const paid = async (transactionId: string, amount = 1999) => {
    const { body: pi } = await create(transactionId, 'pm_card_visa', amount);
    const { body } = await confirm(pi.id, `${transactionId}:confirm`);
    return { piId: pi.id, chargeId: body.latest_charge! };
  };

  /** Refunds `fields` (form parameters; `payment_intent` among them) with `key`. */
  const refund = (fields: Record<string, string>, key?: string) =>
    call<Refund & ErrorBody>('POST', '/v1/refunds', {
      body: new URLSearchParams(fields).toString(),
      ...(key === undefined ? {} : { key }),
    });

  /** A control API request with a JSON body. */
  const control = async <T>(method: string, path: string, body?: unknown): Promise<Answer<T>> => {
    const res = await fetch(`${baseUrl()}/__control${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  };

  return { call, create, confirm, retrieve, paid, refund, control };
}
