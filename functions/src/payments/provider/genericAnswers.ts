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
  const money = {
    ...(typeof b.amount === 'number' ? { amount: b.amount } : {}),
    ...(typeof b.currency === 'string' ? { currency: b.currency } : {}),
  };
  if (b.status === 'succeeded') return { kind: 'succeeded', chargeId: b.id, ...money };
  if (b.status === 'declined') {
    const declineCode = typeof b.declineCode === 'string' ? b.declineCode : 'declined';
    return { kind: 'declined', chargeId: b.id, declineCode, ...money };
  }
  return null;
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
