import { performance } from 'node:perf_hooks';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { LimitChange } from '../../api/index.js';
import { hasCode } from '../../resilience/appError.js';
import { EndpointSet, type EjectionOptions, type EndpointOutcome } from '../../resilience/endpoints/endpointSet.js';
import {
  endpointName,
  HttpTimeoutError,
  STALL_SHARE,
  StallWatch,
  type HealthResult,
  type HttpPoolManager,
} from '../../resilience/http/index.js';
import { parseRef, pinnedEndpoint, pinnedRef } from './endpointRef.js';
import {
  PAYMENT_SERVICE,
  type CancelAnswer,
  type Charge,
  type ChargeAnswer,
  type LookupAnswer,
  type PaymentProvider,
} from './paymentProvider.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { ISO_4217_MONEY } from '../iso4217.js';

/** Connection settings of the generic provider. */
export interface GenericProviderOptions {
  /** One base URL, or several of the same provider (PAYMENT_SERVICE_URL). */
  baseUrl: string | readonly string[];
  /**
   * The endpoints share one idempotency scope (PAYMENT_ENDPOINTS_SHARE_KEYS):
   * any attempt may go to any endpoint. Otherwise a payment is pinned to the
   * endpoint chosen for it, retries and lookups included.
   */
  shareKeys?: boolean;
  /** Outlier ejection of endpoints (several endpoints only). */
  ejection?: EjectionOptions;
  /** Adaptive concurrency limit from `min` to maxSockets (see HttpClientOptions.limit). */
  limit?: { min: number; adaptive?: boolean; onChange?: (change: LimitChange) => void };
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

/** The contract's error code of a lookup answering "no charge under this transactionId". */
export const NOT_FOUND_CODE = 'NOT_FOUND';

/** The `error.code` of a contract error body (`{ error: { code, message } }`), when it has one. */
function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
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

/** The label of endpoint `i` in metrics and the public health answer: `endpoint-<n>`, in PAYMENT_SERVICE_URL order. */
export function endpointLabel(i: number): string {
  return `endpoint-${i + 1}`;
}

/** How an attempt counts for outlier ejection: only the endpoint's own failures count against it. */
function endpointOutcome(res: AxiosResponse | null, err: unknown, local: boolean): EndpointOutcome {
  if (res) return res.status >= 500 ? 'failure' : res.status === 429 ? 'neutral' : 'success';
  return local || !mayHaveReached(err) ? 'neutral' : 'failure';
}

function reasonOf(err: unknown): string {
  if (hasCode(err, HttpTimeoutError.code)) return 'timeout';
  return (err as { code?: string } | null)?.code ?? (err instanceof Error ? err.name : 'error');
}

/**
 * The documented generic contract (docs/payment-provider.md): `POST /charge`
 * with the transactionId as Idempotency-Key, `GET /charge/<id>` to look a
 * payment up, `GET /health`. Requests go through the HTTP pool manager's
 * keep-alive pool for `payment-service` (axios with Node's agent), one agent
 * per endpoint when PAYMENT_SERVICE_URL lists several.
 */
export class GenericProvider implements PaymentProvider {
  readonly service = PAYMENT_SERVICE;
  /** The contract's amounts are in ISO 4217 minor units, every active currency. */
  readonly money = ISO_4217_MONEY;
  /** The provider's endpoints: load balancing and outlier ejection. */
  readonly endpoints: EndpointSet;
  private readonly shareKeys: boolean;

  constructor(
    private readonly http: HttpPoolManager,
    options: GenericProviderOptions,
  ) {
    const urls = typeof options.baseUrl === 'string' ? [options.baseUrl] : [...options.baseUrl];
    http.createHttpClient(PAYMENT_SERVICE, urls, {
      maxSockets: options.maxSockets,
      attemptTimeoutMs: options.attemptTimeoutMs,
      ...(options.ca ? { ca: options.ca } : {}),
      headers: { Authorization: `Bearer ${options.apiKey}` },
      ...(options.limit ? { limit: options.limit } : {}),
    });
    this.endpoints = new EndpointSet(urls.map(endpointName), options.ejection);
    this.shareKeys = options.shareKeys ?? false;
  }

  /**
   * The contract needs nothing before a charge: the reference is the
   * transactionId, pinned to the least loaded endpoint when there are several
   * that do not share idempotency keys (endpointRef.ts).
   */
  prepare(req: PaymentRequest): Promise<string> {
    if (this.endpoints.names.length < 2 || this.shareKeys) return Promise.resolve(req.transactionId);
    const i = this.endpoints.pick();
    return Promise.resolve(pinnedRef(req.transactionId, this.endpoints.names[i]!));
  }

  /**
   * The endpoint a request for `ref` goes to: the pinned one; else any (the
   * least loaded) when keys are shared; else the first, where a payment of a
   * single-URL configuration went. -1 when the pinned endpoint is no longer
   * configured: nothing may be sent elsewhere for it.
   */
  private endpointFor(ref: string): number {
    const endpoint = pinnedEndpoint(ref);
    if (endpoint !== null) return this.endpoints.names.indexOf(endpoint);
    return this.shareKeys ? this.endpoints.pick() : 0;
  }

  /** One request to endpoint `i`, counted for its load and ejection state. */
  private async send(
    i: number,
    config: AxiosRequestConfig,
    timeoutMs: number,
  ): Promise<{ res: AxiosResponse | null; err: unknown; isolated: boolean; stalledMs: number }> {
    const watch = StallWatch.start();
    const started = performance.now();
    this.endpoints.start(i);
    let res: AxiosResponse | null = null;
    let err: unknown = null;
    try {
      res = await this.http.makeRequest(PAYMENT_SERVICE, config, { timeoutMs, endpoint: i });
    } catch (e) {
      err = e;
    }
    const stalledMs = watch.stop(hasCode(err, HttpTimeoutError.code) ? timeoutMs : undefined);
    const local = err !== null && localTimeout(err, timeoutMs, stalledMs);
    const outcome = endpointOutcome(res, err, local);
    const ejected = this.endpoints.finish(i, outcome, performance.now() - started);
    // The failure is this endpoint's alone (it is out of rotation, others serve): not the provider's.
    const isolated = outcome === 'failure' && ejected;
    return { res, err, isolated, stalledMs };
  }

  charge(ref: string, req: PaymentRequest, timeoutMs: number): Promise<ChargeAnswer> {
    const i = this.endpointFor(ref);
    if (i === -1)
      return Promise.resolve({ kind: 'no-answer', sent: false, reason: 'endpoint-not-configured', local: true });
    const answer = this.chargeAt(i, req, timeoutMs);
    if (this.endpoints.names.length < 2) return answer;
    return answer.then((a) => ({ ...a, endpoint: endpointLabel(i) }));
  }

  private async chargeAt(i: number, req: PaymentRequest, timeoutMs: number): Promise<ChargeAnswer> {
    const body = {
      amount: req.amount,
      currency: req.currency,
      paymentMethod: req.paymentMethod,
      transactionId: req.transactionId,
    };
    const config: AxiosRequestConfig = {
      method: 'POST',
      url: '/charge',
      data: body,
      headers: { 'Idempotency-Key': req.transactionId, 'Content-Type': 'application/json' },
    };
    const { res, err, isolated, stalledMs } = await this.send(i, config, timeoutMs);
    if (!res) {
      const local = localTimeout(err, timeoutMs, stalledMs);
      return {
        kind: 'no-answer',
        sent: mayHaveReached(err),
        reason: reasonOf(err),
        local,
        cause: err,
        ...(isolated ? { isolated } : {}),
      };
    }
    // Only the contract's statuses are definite; anything else may be a charge in progress.
    if (res.status === 200 || res.status === 201) {
      return parseCharge(res.data) ?? { kind: 'indeterminate', httpStatus: res.status };
    }
    if (res.status === 402) return parseCharge(res.data) ?? { kind: 'declined', chargeId: '', declineCode: 'declined' };
    if (res.status === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterMs(res.headers['retry-after']) };
    if (res.status >= 500 && res.status <= 599) {
      return { kind: 'server-error', httpStatus: res.status, ...(isolated ? { isolated } : {}) };
    }
    if (!REJECTED_STATUSES.has(res.status)) return { kind: 'indeterminate', httpStatus: res.status };
    const providerCode = errorCodeOf(res.data);
    // The same key is still being processed: not a refusal, the charge may still happen.
    if (res.status === 409 && providerCode === 'IDEMPOTENCY_KEY_IN_USE') {
      return { kind: 'busy', retryAfterMs: retryAfterMs(res.headers['retry-after']) };
    }
    return { kind: 'rejected', httpStatus: res.status, ...(providerCode ? { providerCode } : {}) };
  }

  async lookup(ref: string, _req: PaymentRequest, timeoutMs: number): Promise<LookupAnswer> {
    const i = this.endpointFor(ref);
    if (i === -1) return { kind: 'unavailable', reason: 'the endpoint of this payment is no longer configured' };
    const id = parseRef(ref).transactionId;
    const { res, err } = await this.send(i, { method: 'GET', url: `/charge/${encodeURIComponent(id)}` }, timeoutMs);
    if (!res) return { kind: 'unavailable', reason: reasonOf(err) };
    // Only the contract's own "no such charge" proves nothing was charged; a proxy's or gateway's 404 proves nothing.
    if (res.status === 404) {
      return errorCodeOf(res.data) === NOT_FOUND_CODE
        ? { kind: 'not-found' }
        : { kind: 'unavailable', reason: "HTTP 404 without the contract's NOT_FOUND" };
    }
    const charge = res.status === 200 ? parseCharge(res.data) : null;
    return charge ? { kind: 'found', charge } : { kind: 'unavailable', reason: `HTTP ${res.status}` };
  }

  /** The generic contract has no cancel: a payment is "not charged" only when a lookup proves it. */
  cancel(): Promise<CancelAnswer> {
    return Promise.resolve({ kind: 'unsupported' });
  }

  /** The provider's health; with several endpoints, each one's too, by label (no host: the health endpoint is public). */
  async checkHealth(): Promise<HealthResult & { endpoints?: Record<string, HealthResult> }> {
    const overall = await this.http.checkHealth(PAYMENT_SERVICE);
    const each = this.http.endpointStats(PAYMENT_SERVICE);
    if (!each) return overall;
    const endpoints = Object.fromEntries(each.flatMap((e, i) => (e.health ? [[endpointLabel(i), e.health]] : [])));
    return { ...overall, endpoints };
  }
}
