import { performance } from 'node:perf_hooks';
import type { AxiosRequestConfig } from 'axios';
import type { LimitChange } from '../../api/index.js';
import { hasCode } from '../../resilience/appError.js';
import { EndpointSet, type EjectionOptions } from '../../resilience/endpoints/endpointSet.js';
import {
  endpointName,
  HttpTimeoutError,
  StallWatch,
  type HealthResult,
  type HttpPoolManager,
} from '../../resilience/http/index.js';
import { parseRef, pinnedEndpoint, pinnedRef } from './endpointRef.js';
import {
  chargeRoute,
  locate,
  lookupRoute,
  type CombinedMiss,
  type EndpointAt,
  type EndpointDirectory,
  type LookupReading,
} from './endpointRoutes.js';
import type { GenericChannel, SendResult, WriteTarget } from './genericChannel.js';
import { lookupAlong } from './lookupAlong.js';
import {
  PAYMENT_SERVICE,
  type CancelAnswer,
  type ChargeAnswer,
  type LookupAnswer,
  type PaymentProvider,
} from './paymentProvider.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { ISO_4217_MONEY } from '../iso4217.js';
import {
  endpointOutcome,
  localTimeout,
  lookupAnswerOf,
  mayHaveReached,
  otherAnswerOf,
  reasonOf,
  parseCharge,
} from './genericAnswers.js';

export { mayHaveReached, NOT_FOUND_CODE, retryAfterMs } from './genericAnswers.js';

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
  /**
   * Endpoints removed from `baseUrl` (PAYMENT_RETIRED_URLS): payments pinned
   * to them are still looked up there, and nothing is charged there.
   */
  retiredUrls?: readonly string[];
  /**
   * Told once per endpoint name when a payment is pinned to an endpoint in
   * neither list: its lookups answer "unavailable" until the URL is listed again.
   */
  onUnknownEndpoint?: (endpoint: string) => void;
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

/** The pool of the endpoints in PAYMENT_RETIRED_URLS: lookups of payments pinned to them. */
export const RETIRED_PAYMENT_SERVICE = `${PAYMENT_SERVICE}-retired`;

/** The label of endpoint `i` in metrics and the public health answer: `endpoint-<n>`, in PAYMENT_SERVICE_URL order. */
export function endpointLabel(i: number): string {
  return `endpoint-${i + 1}`;
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
  /** Configured and retired endpoints by name, for routing pinned payments (endpointRoutes.ts). */
  private readonly directory: EndpointDirectory;
  private readonly unknownReported = new Set<string>();

  constructor(
    private readonly http: HttpPoolManager,
    private readonly options: GenericProviderOptions,
  ) {
    const urls = typeof options.baseUrl === 'string' ? [options.baseUrl] : [...options.baseUrl];
    const retired = [...(options.retiredUrls ?? [])];
    const pool = {
      maxSockets: options.maxSockets,
      attemptTimeoutMs: options.attemptTimeoutMs,
      ...(options.ca ? { ca: options.ca } : {}),
      headers: { Authorization: `Bearer ${options.apiKey}` },
    };
    http.createHttpClient(PAYMENT_SERVICE, urls, { ...pool, ...(options.limit ? { limit: options.limit } : {}) });
    // Lookups only, outside the service's rotation, stats and health; a pool of its own.
    if (retired.length > 0) http.createHttpClient(RETIRED_PAYMENT_SERVICE, retired, pool);
    this.endpoints = new EndpointSet(urls.map(endpointName), options.ejection);
    this.directory = {
      active: this.endpoints.names,
      retired: retired.map(endpointName),
      shareKeys: options.shareKeys ?? false,
    };
  }

  /**
   * The contract needs nothing before a charge: the reference is the
   * transactionId pinned to the least loaded endpoint, one URL included, and
   * marked shared when the endpoints share idempotency keys (endpointRef.ts).
   */
  prepare(req: PaymentRequest): Promise<string> {
    return Promise.resolve(this.referenceAtClaim(req));
  }

  /** The pin of a new payment, named without I/O so the claim writes it (PaymentProvider.referenceAtClaim). */
  referenceAtClaim(req: PaymentRequest): string {
    const endpoint = this.directory.active[this.endpoints.pick()]!;
    return pinnedRef(req.transactionId, endpoint, this.directory.shareKeys);
  }

  /** Tells the wiring, once per name, that a payment is pinned to an endpoint the configuration no longer names. */
  private unknownEndpoint(endpoint: string): void {
    if (this.unknownReported.has(endpoint)) return;
    this.unknownReported.add(endpoint);
    this.options.onUnknownEndpoint?.(endpoint);
  }

  /** The transport the refund adapter shares (genericRefunds.ts): these pools, endpoints and pins. */
  readonly channel: GenericChannel = {
    writeTarget: (ref, followRetired) => this.writeTarget(ref, followRetired),
    send: (at, config, timeoutMs) => this.send(at, config, timeoutMs),
    lookup: (ref, timeoutMs, askAt) => this.lookupPinned(ref, timeoutMs, askAt),
  };

  /** One request to endpoint `at`; a configured one's is counted for its load and ejection state. */
  private async send(at: EndpointAt, config: AxiosRequestConfig, timeoutMs: number): Promise<SendResult> {
    const watch = StallWatch.start(timeoutMs);
    const started = performance.now();
    const i = at.index;
    if (!at.retired) this.endpoints.start(i);
    let res: SendResult['res'] = null;
    let err: unknown = null;
    try {
      const service = at.retired ? RETIRED_PAYMENT_SERVICE : PAYMENT_SERVICE;
      res = await this.http.makeRequest(service, config, { timeoutMs, endpoint: i });
    } catch (e) {
      err = e;
    }
    const stalledMs = watch.stop(hasCode(err, HttpTimeoutError.code) ? timeoutMs : undefined);
    if (at.retired) return { res, err, isolated: false, stalledMs };
    const local = err !== null && localTimeout(err, timeoutMs, stalledMs);
    const outcome = endpointOutcome(res, err, local);
    const ejected = this.endpoints.finish(i, outcome, performance.now() - started);
    // The failure is this endpoint's alone (it is out of rotation, others serve): not the provider's.
    const isolated = outcome === 'failure' && ejected;
    return { res, err, isolated, stalledMs };
  }

  /**
   * Charges at the payment's endpoint (endpointRoutes.ts chargeRoute): the pinned one, or with shared keys
   * another once it failed; nothing is sent for a pin to a retired or unknown endpoint.
   */
  charge(ref: string, req: PaymentRequest, timeoutMs: number): Promise<ChargeAnswer> {
    const target = this.writeTarget(ref, false);
    if (target.kind === 'refused') {
      return Promise.resolve({ kind: 'no-answer', sent: false, reason: target.reason, local: true });
    }
    const answer = this.chargeAt(target.at.index, req, timeoutMs);
    return target.label ? answer.then((a) => ({ ...a, endpoint: target.label })) : answer;
  }

  /** GenericChannel.writeTarget. */
  private writeTarget(ref: string, followRetired: boolean): WriteTarget {
    const route = chargeRoute(pinnedEndpoint(ref), this.directory);
    const retired = route.kind === 'refused' && route.endpoint ? locate(this.directory, route.endpoint) : null;
    if (route.kind === 'refused') {
      if (followRetired && retired) return { kind: 'endpoint', at: retired };
      if (route.reason === 'endpoint-not-configured') this.unknownEndpoint(route.endpoint!);
      return { kind: 'refused', reason: route.reason };
    }
    const index = route.kind === 'pinned' ? route.index : this.failover(route.prefer);
    const target: WriteTarget = { kind: 'endpoint', at: { retired: false, index } };
    if (this.directory.active.length > 1) target.label = endpointLabel(index);
    return target;
  }

  /** Shared keys: the pinned endpoint unless it is failing (ejected, or its last request failed), else another. */
  private failover(prefer: number | null): number {
    if (prefer === null) return this.endpoints.pick();
    return this.endpoints.failing(prefer) ? this.endpoints.pick(prefer) : prefer;
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
      // No Content-Type: axios sends an object body as JSON, with `Content-Type: application/json`.
      headers: { 'Idempotency-Key': req.transactionId },
    };
    const { res, err, isolated, stalledMs } = await this.send({ retired: false, index: i }, config, timeoutMs);
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
    const other = otherAnswerOf(res);
    return other.kind === 'server-error' && isolated ? { ...other, isolated } : other;
  }

  /**
   * Looks a payment up where it may be charged (endpointRoutes.ts
   * lookupRoute): its pinned endpoint first, configured or retired; the
   * others together when that answer settles nothing and the plan names them.
   * A payment pinned to an endpoint in neither list is "unavailable": asking
   * another endpoint could answer NOT_FOUND for a charge it never saw.
   */
  lookup(ref: string, _req: PaymentRequest, timeoutMs: number): Promise<LookupAnswer> {
    const id = parseRef(ref).transactionId;
    return this.lookupPinned(ref, timeoutMs, (at, ms) => this.lookupAt(at, id, ms));
  }

  /** GenericChannel.lookup: along the plan of `ref`'s pin, never at a guessed endpoint. */
  private lookupPinned<A extends LookupReading>(
    ref: string,
    timeoutMs: number,
    askAt: (at: EndpointAt, timeoutMs: number) => Promise<A>,
  ): Promise<A | CombinedMiss> {
    const route = lookupRoute(parseRef(ref), this.directory);
    if (route.kind === 'plan') return lookupAlong(route.plan, timeoutMs, askAt);
    this.unknownEndpoint(route.endpoint);
    const reason = 'the endpoint of this payment is in neither PAYMENT_SERVICE_URL nor PAYMENT_RETIRED_URLS';
    return Promise.resolve({ kind: 'unavailable', reason });
  }

  /** `GET /charge/<id>` at one endpoint. */
  private async lookupAt(at: EndpointAt, id: string, timeoutMs: number): Promise<LookupAnswer> {
    const { res, err } = await this.send(at, { method: 'GET', url: `/charge/${encodeURIComponent(id)}` }, timeoutMs);
    return res ? lookupAnswerOf(res) : { kind: 'unavailable', reason: reasonOf(err) };
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
