/**
 * Test helpers for the payment simulator's own tests: a client that speaks the
 * provider API and the control API of one running simulator, over real HTTP.
 */
import { Agent, request } from 'node:http';
import type { ErrorBody } from './replies.ts';

/** A `POST /charge` body; fields are `unknown` so tests can send invalid ones. */
export type Body = { amount: unknown; currency: unknown; paymentMethod: unknown; transactionId: unknown };

/** A valid charge body for `transactionId`. */
export const body = (transactionId: string, amount = 1999): Body => ({
  amount,
  currency: 'USD',
  paymentMethod: 'card_visa',
  transactionId,
});

/** A `POST /refund` body; fields are `unknown` so tests can send invalid ones. */
export type RefundBody = { transactionId: unknown; refundId: unknown; amount: unknown; currency: unknown };

/** A valid refund body of `amount` (default 500) from `transactionId`'s charge. */
export const refundBody = (refundId: string, transactionId: string, amount = 500): RefundBody => ({
  transactionId,
  refundId,
  amount,
  currency: 'USD',
});

/** The JSON body of `res`, in the shape the simulator documents for it. */
export const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
/** The provider error code of an error answer. */
export const errorCode = async (res: Response) => (await json<ErrorBody>(res)).error.code;

/**
 * Resolves with what `check` returns once it is truthy, polling every few ms, so a test waits for
 * the simulator to reach a state instead of for a time; throws naming `what` after about 200 polls.
 */
export async function until<T>(check: () => T, what: string): Promise<NonNullable<T>> {
  for (let i = 0; i < 200; i++) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never reached: ${what}`);
}

/** What a node:http request ended with: an answer, or the socket error (e.g. ECONNRESET). */
export type RawResult = { status: number; body: string } | NodeJS.ErrnoException;

/**
 * Helpers bound to a simulator's base URL (read on every request, since tests
 * start a fresh simulator per test) and its API key.
 */
export function clientFor(baseUrl: () => string, apiKey: string) {
  /** `POST /charge`; the Idempotency-Key defaults to the body's transactionId (`null` leaves it out). */
  function charge(
    payload: Body | string,
    init: { key?: string | null; auth?: string | null; signal?: AbortSignal } = {},
  ) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const auth = init.auth === undefined ? `Bearer ${apiKey}` : init.auth;
    if (auth !== null) headers.Authorization = auth;
    const key = init.key === undefined && typeof payload !== 'string' ? String(payload.transactionId) : init.key;
    if (key) headers['Idempotency-Key'] = key;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return fetch(`${baseUrl()}/charge`, { method: 'POST', headers, body: text, signal: init.signal });
  }

  /** `POST /refund`; the Idempotency-Key defaults to the body's refundId (`null` leaves it out). */
  function refund(payload: RefundBody, init: { key?: string | null; signal?: AbortSignal } = {}) {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${apiKey}`,
    };
    const key = init.key === undefined ? String(payload.refundId) : init.key;
    if (key) headers['Idempotency-Key'] = key;
    return fetch(`${baseUrl()}/refund`, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      signal: init.signal,
    });
  }

  /** An authenticated GET of a provider path. */
  const get = (path: string, signal?: AbortSignal) =>
    fetch(`${baseUrl()}${path}`, { headers: { Authorization: `Bearer ${apiKey}` }, signal });

  /** `PUT /__control/faults` with any JSON. */
  const putFaults = (faults: unknown) =>
    fetch(`${baseUrl()}/__control/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(faults),
    });

  /** A request through node:http so the test controls the agent (keep-alive) and sees socket errors. */
  function rawRequest(path: string, agent: Agent | false, method = 'GET', payload?: string, key = 'tx-raw') {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${baseUrl()}${path}`,
        {
          method,
          agent,
          headers: {
            Authorization: `Bearer ${apiKey}`,
            'Content-Type': 'application/json',
            ...(payload ? { 'Idempotency-Key': key } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** `POST /charge` through node:http, resolving with the socket error instead of rejecting. */
  const rawCharge = (transactionId: string): Promise<RawResult> =>
    rawRequest('/charge', false, 'POST', JSON.stringify(body(transactionId)), transactionId).catch(
      (e: NodeJS.ErrnoException) => e,
    );

  /** `POST /refund` through node:http, resolving with the socket error instead of rejecting. */
  const rawRefund = (payload: RefundBody): Promise<RawResult> =>
    rawRequest('/refund', false, 'POST', JSON.stringify(payload), String(payload.refundId)).catch(
      (e: NodeJS.ErrnoException) => e,
    );

  return { charge, refund, get, putFaults, rawRequest, rawCharge, rawRefund };
}
