import { hasCode } from '../../errors.js';
import {
  HttpTimeoutError,
  STALL_SHARE,
  StallWatch,
  type HealthResult,
  type HttpPoolManager,
} from '../../resilience/http/index.js';
import type { Charge, ChargeAnswer, ChargeRequest, LookupAnswer, PaymentProvider } from './paymentProvider.js';

/** Service name of the payment provider in the pool and breaker registries. */
export const PAYMENT_SERVICE = 'payment-service';

/** Connection settings of the generic provider. */
export interface GenericProviderOptions {
  baseUrl: string;
  /** Sent as a Bearer token; never logged (the pool keeps headers out of stats and errors). */
  apiKey: string;
  maxSockets: number;
  attemptTimeoutMs: number;
  /** PEM CA to trust for an https baseUrl instead of Node's roots (see AgentSettings.ca). */
  ca?: string;
}

/** Parses a charge object of the contract, or null when it is not one. */
function parseCharge(body: unknown): Charge | null {
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

/** Final refusals of the contract: nothing was charged. */
const REJECTED_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 422]);

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

/**
 * True when a timeout is this instance's own doing: the request waited for a
 * socket of our own pool for most of its deadline (or all of it), or the
 * event loop stalled for most of it, so the provider never had a fair chance.
 */
function localTimeout(err: unknown, timeoutMs: number, stalledMs: number): boolean {
  if (!hasCode(err, HttpTimeoutError.code)) return false;
  const d = err.details as { waitingForSocket?: unknown; queuedMs?: unknown };
  const queuedMs = typeof d.queuedMs === 'number' ? d.queuedMs : 0;
  return d.waitingForSocket === true || Math.max(queuedMs, stalledMs) >= STALL_SHARE * timeoutMs;
}

function reasonOf(err: unknown): string {
  if (hasCode(err, HttpTimeoutError.code)) return 'timeout';
  return (err as { code?: string } | null)?.code ?? (err instanceof Error ? err.name : 'error');
}

/**
 * The documented generic contract (docs/payment-provider.md): `POST /charge`
 * with the transactionId as Idempotency-Key, `GET /charge/<id>` to look a
 * payment up, `GET /health`. Requests go through the HTTP pool manager's
 * keep-alive pool for `payment-service` (axios with Node's agent).
 */
export class GenericProvider implements PaymentProvider {
  readonly service = PAYMENT_SERVICE;

  constructor(
    private readonly http: HttpPoolManager,
    options: GenericProviderOptions,
  ) {
    http.createHttpClient(PAYMENT_SERVICE, options.baseUrl, {
      maxSockets: options.maxSockets,
      attemptTimeoutMs: options.attemptTimeoutMs,
      ...(options.ca ? { ca: options.ca } : {}),
      headers: { Authorization: `Bearer ${options.apiKey}` },
    });
  }

  /** The contract needs nothing before a charge: the reference is the transactionId. */
  prepare(req: ChargeRequest): Promise<string> {
    return Promise.resolve(req.transactionId);
  }

  async charge(_ref: string, req: ChargeRequest, timeoutMs: number): Promise<ChargeAnswer> {
    const body = {
      amount: req.amount,
      currency: req.currency,
      paymentMethod: req.paymentMethod,
      transactionId: req.transactionId,
    };
    let res;
    const watch = StallWatch.start();
    try {
      res = await this.http.makeRequest(
        PAYMENT_SERVICE,
        {
          method: 'POST',
          url: '/charge',
          data: body,
          headers: { 'Idempotency-Key': req.transactionId, 'Content-Type': 'application/json' },
        },
        { timeoutMs },
      );
    } catch (err) {
      const stalledMs = watch.stop(hasCode(err, HttpTimeoutError.code) ? timeoutMs : undefined);
      const local = localTimeout(err, timeoutMs, stalledMs);
      return { kind: 'no-answer', sent: mayHaveReached(err), reason: reasonOf(err), local, cause: err };
    }
    watch.stop();
    // Only the contract's statuses are definite; anything else may be a charge in progress.
    if (res.status === 200 || res.status === 201) {
      return parseCharge(res.data) ?? { kind: 'indeterminate', httpStatus: res.status };
    }
    if (res.status === 402) return parseCharge(res.data) ?? { kind: 'declined', chargeId: '', declineCode: 'declined' };
    if (res.status === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterMs(res.headers['retry-after']) };
    if (res.status >= 500 && res.status <= 599) return { kind: 'server-error', httpStatus: res.status };
    if (!REJECTED_STATUSES.has(res.status)) return { kind: 'indeterminate', httpStatus: res.status };
    const providerCode = (res.data as { error?: { code?: unknown } } | null)?.error?.code;
    // The same key is still being processed: not a refusal, the charge may still happen.
    if (res.status === 409 && providerCode === 'IDEMPOTENCY_KEY_IN_USE') {
      return { kind: 'busy', retryAfterMs: retryAfterMs(res.headers['retry-after']) };
    }
    return {
      kind: 'rejected',
      httpStatus: res.status,
      ...(typeof providerCode === 'string' ? { providerCode } : {}),
    };
  }

  async lookup(ref: string, _req: ChargeRequest, timeoutMs: number): Promise<LookupAnswer> {
    try {
      const res = await this.http.makeRequest(
        PAYMENT_SERVICE,
        { method: 'GET', url: `/charge/${encodeURIComponent(ref)}` },
        { timeoutMs },
      );
      if (res.status === 404) return { kind: 'not-found' };
      const charge = res.status === 200 ? parseCharge(res.data) : null;
      return charge ? { kind: 'found', charge } : { kind: 'unavailable', reason: `HTTP ${res.status}` };
    } catch (err) {
      return { kind: 'unavailable', reason: reasonOf(err) };
    }
  }

  checkHealth(): Promise<HealthResult> {
    return this.http.checkHealth(PAYMENT_SERVICE);
  }
}
