import { hasCode } from '../errors.js';
import type { HttpPoolManager } from '../resilience/http/httpPool.js';

/** Service name of the payment provider in the pool and breaker registries. */
export const PAYMENT_SERVICE = 'payment-service';

/** What one POST /charge attempt told us (transport errors are thrown instead). */
export type ChargeAnswer =
  | { kind: 'succeeded'; chargeId: string }
  | { kind: 'declined'; chargeId: string; declineCode: string }
  /** A final non-decline 4xx: nothing was charged (400, 401, 403, 404, 409, 422, ...). */
  | { kind: 'rejected'; httpStatus: number; providerCode?: string }
  /** 429: nothing was charged; retry after the delay. */
  | { kind: 'rate-limited'; retryAfterMs: number | null }
  /** 5xx or an unreadable 2xx: the provider may or may not have charged. */
  | { kind: 'server-error'; httpStatus: number };

/** What GET /charge/<id> said. */
export type LookupAnswer =
  | { kind: 'found'; charge: Extract<ChargeAnswer, { kind: 'succeeded' | 'declined' }> }
  | { kind: 'not-found' }
  | { kind: 'unavailable'; reason: string };

/** The charge request body (amount in integer minor units). */
export interface ChargeBody {
  amount: number;
  currency: string;
  paymentMethod: string;
  transactionId: string;
}

/** Parses a charge object from the provider, or null when it is not one. */
function parseCharge(body: unknown): Extract<ChargeAnswer, { kind: 'succeeded' | 'declined' }> | null {
  const b = body as { id?: unknown; status?: unknown; declineCode?: unknown } | null;
  if (!b || typeof b.id !== 'string') return null;
  if (b.status === 'succeeded') return { kind: 'succeeded', chargeId: b.id };
  if (b.status === 'declined')
    return {
      kind: 'declined',
      chargeId: b.id,
      declineCode: typeof b.declineCode === 'string' ? b.declineCode : 'declined',
    };
  return null;
}

/** Parses Retry-After (seconds or an HTTP date) to milliseconds. */
export function retryAfterMs(header: unknown, now = Date.now()): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Sends one charge attempt with the transactionId as Idempotency-Key and classifies the answer. */
export async function sendCharge(pool: HttpPoolManager, body: ChargeBody, timeoutMs: number): Promise<ChargeAnswer> {
  const res = await pool.makeRequest(
    PAYMENT_SERVICE,
    {
      method: 'POST',
      url: '/charge',
      data: body,
      headers: { 'Idempotency-Key': body.transactionId, 'Content-Type': 'application/json' },
    },
    { timeoutMs },
  );
  if (res.status === 200 || res.status === 201) {
    return parseCharge(res.data) ?? { kind: 'server-error', httpStatus: res.status };
  }
  if (res.status === 402) {
    return parseCharge(res.data) ?? { kind: 'declined', chargeId: '', declineCode: 'declined' };
  }
  if (res.status === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterMs(res.headers['retry-after']) };
  if (res.status >= 500) return { kind: 'server-error', httpStatus: res.status };
  const providerCode = (res.data as { error?: { code?: unknown } } | null)?.error?.code;
  return {
    kind: 'rejected',
    httpStatus: res.status,
    providerCode: typeof providerCode === 'string' ? providerCode : undefined,
  };
}

/** Asks the provider whether it has a charge for this transactionId. Never throws. */
export async function lookupCharge(
  pool: HttpPoolManager,
  transactionId: string,
  timeoutMs: number,
): Promise<LookupAnswer> {
  try {
    const res = await pool.makeRequest(
      PAYMENT_SERVICE,
      { method: 'GET', url: `/charge/${encodeURIComponent(transactionId)}` },
      { timeoutMs },
    );
    if (res.status === 404) return { kind: 'not-found' };
    const charge = res.status === 200 ? parseCharge(res.data) : null;
    return charge ? { kind: 'found', charge } : { kind: 'unavailable', reason: `HTTP ${res.status}` };
  } catch (err) {
    return {
      kind: 'unavailable',
      reason: hasCode(err, 'HTTP_TIMEOUT')
        ? 'timeout'
        : err instanceof Error
          ? ((err as { code?: string }).code ?? err.name)
          : 'error',
    };
  }
}

/** True when a thrown attempt error means the request may have reached the provider. */
export function mayHaveReached(err: unknown): boolean {
  const details = (err as { details?: { mayHaveReachedServer?: unknown } }).details;
  return details?.mayHaveReachedServer !== false;
}
