import type { AxiosResponse } from 'axios';
import { hasCode } from '../../resilience/appError.js';
import type { EndpointOutcome } from '../../resilience/endpoints/endpointSet.js';
import { HttpTimeoutError, STALL_SHARE } from '../../resilience/http/index.js';
import type { Charge, LookupAnswer } from './paymentProvider.js';

/**
 * How the generic contract's answers read (docs/payment-provider.md): charge
 * objects, error codes, Retry-After, what a lookup's answer proves, and what
 * a transport failure says about where it happened.
 */

/** Parses a charge object of the contract, or null when it is not one. */
export function parseCharge(body: unknown): Charge | null {
  const b = body as {
    id?: unknown;
    status?: unknown;
    declineCode?: unknown;
    amount?: unknown;
    currency?: unknown;
  } | null;
  if (!b || typeof b.id !== 'string') return null;
  // Built in place, without spreading temporaries: this runs on every answered charge.
  let charge: Charge;
  if (b.status === 'succeeded') charge = { kind: 'succeeded', chargeId: b.id };
  else if (b.status === 'declined') {
    const declineCode = typeof b.declineCode === 'string' ? b.declineCode : 'declined';
    charge = { kind: 'declined', chargeId: b.id, declineCode };
  } else return null;
  if (typeof b.amount === 'number') charge.amount = b.amount;
  if (typeof b.currency === 'string') charge.currency = b.currency;
  return charge;
}

/** The contract's error code of a lookup answering "no charge under this transactionId". */
export const NOT_FOUND_CODE = 'NOT_FOUND';

/** The `error.code` of a contract error body (`{ error: { code, message } }`), when it has one. */
export function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Final refusals of the contract: nothing was charged. */
export const REJECTED_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 422]);

/** The readings of an answer to a request that moves money (a charge, a refund) other than its success. */
export type OtherAnswer =
  | { kind: 'rejected'; httpStatus: number; providerCode?: string }
  | { kind: 'rate-limited'; retryAfterMs: number | null }
  | { kind: 'busy'; retryAfterMs: number | null }
  | { kind: 'server-error'; httpStatus: number }
  | { kind: 'indeterminate'; httpStatus: number };

/**
 * Reads an answer to `POST /charge` or `POST /refund` that is not its success
 * (the caller reads those first: 200/201, and a charge's 402). Only the
 * contract's statuses are definite; anything else may be money moving.
 */
export function otherAnswerOf(res: AxiosResponse): OtherAnswer {
  if (res.status === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterMs(res.headers['retry-after']) };
  if (res.status >= 500 && res.status <= 599) return { kind: 'server-error', httpStatus: res.status };
  if (!REJECTED_STATUSES.has(res.status)) return { kind: 'indeterminate', httpStatus: res.status };
  const providerCode = errorCodeOf(res.data);
  // A 404 without the contract's error body (a proxy's or gateway's page) proves nothing about the money.
  if (res.status === 404 && providerCode === undefined) return { kind: 'indeterminate', httpStatus: 404 };
  // The same key is still being processed: not a refusal, the money may still move.
  if (res.status === 409 && providerCode === 'IDEMPOTENCY_KEY_IN_USE') {
    return { kind: 'busy', retryAfterMs: retryAfterMs(res.headers['retry-after']) };
  }
  return { kind: 'rejected', httpStatus: res.status, ...(providerCode ? { providerCode } : {}) };
}

/** Parses Retry-After (seconds or an HTTP date) to milliseconds. */
export function retryAfterMs(header: unknown, now = Date.now()): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** True when a transport error means the request may have reached the provider (the pool knows when it never connected). */
export function mayHaveReached(err: unknown): boolean {
  const details = (err as { details?: { mayHaveReachedServer?: unknown } } | null)?.details;
  return details?.mayHaveReachedServer !== false;
}

/** What one endpoint's answer to `GET /charge/<id>` says. */
export function lookupAnswerOf(res: AxiosResponse): LookupAnswer {
  // Only the contract's own "no such charge" proves nothing was charged; a proxy's or gateway's 404 proves nothing.
  if (res.status === 404) {
    return errorCodeOf(res.data) === NOT_FOUND_CODE
      ? { kind: 'not-found' }
      : { kind: 'unavailable', reason: "HTTP 404 without the contract's NOT_FOUND" };
  }
  const charge = res.status === 200 ? parseCharge(res.data) : null;
  return charge ? { kind: 'found', charge } : { kind: 'unavailable', reason: `HTTP ${res.status}` };
}

/**
 * True when a timeout is this instance's own doing: the request waited for a
 * socket of our own pool for most of its deadline (or all of it), or the
 * event loop stalled for most of it, so the provider never had a fair chance.
 */
export function localTimeout(err: unknown, timeoutMs: number, stalledMs: number): boolean {
  if (!hasCode(err, HttpTimeoutError.code)) return false;
  const d = err.details as { waitingForSocket?: unknown; queuedMs?: unknown };
  const queuedMs = typeof d.queuedMs === 'number' ? d.queuedMs : 0;
  return d.waitingForSocket === true || Math.max(queuedMs, stalledMs) >= STALL_SHARE * timeoutMs;
}

/** How an attempt counts for outlier ejection: only the endpoint's own failures count against it. */
export function endpointOutcome(res: AxiosResponse | null, err: unknown, local: boolean): EndpointOutcome {
  if (res) return res.status >= 500 ? 'failure' : res.status === 429 ? 'neutral' : 'success';
  return local || !mayHaveReached(err) ? 'neutral' : 'failure';
}

/** A short reason for a request without an answer: `timeout`, or the transport error's code. */
export function reasonOf(err: unknown): string {
  if (hasCode(err, HttpTimeoutError.code)) return 'timeout';
  return (err as { code?: string } | null)?.code ?? (err instanceof Error ? err.name : 'error');
}
