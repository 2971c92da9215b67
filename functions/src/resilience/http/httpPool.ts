import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import type { ConcurrencyLimitView, LimitChange } from '../limit/limitTypes.js';
import { hasCode } from '../appError.js';
import { ConcurrencyLimiter, type LimitSlot } from '../limit/concurrencyLimiter.js';
import { createKeepAliveAgent, positiveInt, type AgentSettings } from './httpAgent.js';
import { checkEndpoints, createEndpointPool, probePath, send, type EndpointPool } from './httpEndpoints.js';
import { boundedProbe, runHealthCheck, type HealthCheck, type HealthResult } from './httpHealth.js';
import { HttpAbortedError, HttpPoolConfigError, HttpTimeoutError, UnknownServiceError } from './httpPoolErrors.js';
import { pooledAgent, type AgentRegistration, type PooledAgent } from './pooledAgent.js';
import {
  PoolInstrumentation,
  REQUEST_OUTCOME,
  isFailureStatus,
  outcomeOf,
  requestEnded as ended,
  type HttpPoolStats,
} from './httpPoolStats.js';

export * from './httpPoolErrors.js';
export type { HealthProbe, HealthResult } from './httpHealth.js';
export type { HttpPoolStats, RequestOutcome } from './httpPoolStats.js';
export type { AgentSettings, PoolProtocol } from './httpAgent.js';
export type { AgentRegistration, PooledAgent } from './pooledAgent.js';

/** Options of {@link HttpPoolManager.createHttpClient}; every field is optional. */
export interface HttpClientOptions extends AgentSettings {
  /** Default wall-clock deadline of one `makeRequest` call (default 5000 ms). */
  attemptTimeoutMs?: number;
  /** Path probed by `checkHealth` (default `/health`). */
  healthPath?: string;
  /** Deadline of a health check (default 2000 ms). */
  healthTimeoutMs?: number;
  /** Headers sent with every request, e.g. Authorization. Never copied into stats or errors. */
  headers?: Record<string, string>;
  /**
   * An adaptive concurrency limit over all of the service's endpoints, from
   * `min` up to maxSockets (concurrencyLimiter.ts). Requests over it wait
   * within their deadline, like requests over maxSockets, and one whose
   * deadline passes there was never sent. Absent: maxSockets alone limits.
   */
  limit?: { min: number; adaptive?: boolean; onChange?: (change: LimitChange) => void };
}

/** One endpoint's numbers (services with several endpoints). */
export interface EndpointPoolStats {
  endpoint: string;
  pool: HttpPoolStats;
  health: HealthResult | null;
}

/** Per-call options of {@link HttpPoolManager.makeRequest}. */
export interface MakeRequestOptions {
  /** Wall-clock deadline of this call, overriding the service's attemptTimeoutMs. */
  timeoutMs?: number;
  /** Cancels the call (HTTP_ABORTED). A `signal` in the axios config works too. */
  signal?: AbortSignal;
  /** Which of the service's endpoints (index in its base URL list); default the first. */
  endpoint?: number;
}

interface Service {
  agent: http.Agent;
  /** Agents of the service's further endpoints. */
  others?: http.Agent[];
  instrumentation: PoolInstrumentation;
  /** Undefined for a registered agent without a health probe. */
  check: (() => Promise<HealthResult>) | undefined;
  lastHealth: HealthResult | null;
  /** What `makeRequest` needs; only services of `createHttpClient` have it. */
  axios?: { endpoints: EndpointPool[]; attemptTimeoutMs: number; limiter: ConcurrencyLimiter | undefined };
}

const DEFAULTS = { attemptTimeoutMs: 5000, healthPath: '/health', healthTimeoutMs: 2000 } as const;

/**
 * One keep-alive connection pool per outside service (payment provider,
 * CloudWatch Logs...). Each service gets its own `http(s).Agent` so one slow
 * provider cannot take the sockets of another, and its own stats.
 *
 * Scope: one attempt per `makeRequest`. Retry policy and circuit breaking wrap
 * this call elsewhere (cockatiel); the only retry here is the reused-socket one.
 */
export class HttpPoolManager {
  private readonly services = new Map<string, Service>();

  /**
   * Registers `serviceName` and returns its axios instance (usable directly,
   * though only `makeRequest` applies deadlines, typed errors and stats).
   * Registering a name again replaces the old registration (its sockets are closed).
   */
  createHttpClient(
    serviceName: string,
    baseURL: string | readonly string[],
    options: HttpClientOptions = {},
  ): AxiosInstance {
    const urls = typeof baseURL === 'string' ? [baseURL] : [...baseURL];
    if (urls.length === 0) throw new HttpPoolConfigError(serviceName, 'it needs at least one base URL');
    const attemptTimeoutMs = positiveInt(
      serviceName,
      'attemptTimeoutMs',
      options.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs,
    );
    const healthTimeoutMs = positiveInt(
      serviceName,
      'healthTimeoutMs',
      options.healthTimeoutMs ?? DEFAULTS.healthTimeoutMs,
    );
    const endpoints: EndpointPool[] = urls.map((url) =>
      createEndpointPool(serviceName, url, options, urls.length > 1, () => instrumentation),
    );
    // Read by the endpoints' targets once requests run, after this line.
    const instrumentation = new PoolInstrumentation(endpoints.map((e) => e.agent));
    const maxSockets = endpoints[0]!.agent.maxSockets;
    const limiter =
      options.limit &&
      new ConcurrencyLimiter({
        min: options.limit.min,
        max: maxSockets,
        ...(options.limit.adaptive === undefined ? {} : { adaptive: options.limit.adaptive }),
        ...(options.limit.onChange ? { onChange: options.limit.onChange } : {}),
      });
    const healthPath = options.healthPath ?? DEFAULTS.healthPath;
    this.replace(serviceName, {
      agent: endpoints[0]!.agent,
      others: endpoints.slice(1).map((e) => e.agent),
      instrumentation,
      check: () => checkEndpoints(endpoints, (e) => () => probePath(e.target, healthPath, healthTimeoutMs)),
      lastHealth: null,
      axios: { endpoints, attemptTimeoutMs, limiter },
    });
    return endpoints[0]!.target.client;
  }

  /**
   * Registers `serviceName` for an outside client that sends its own requests
   * through the returned agent and reports each one (see {@link PooledAgent}).
   * Its sockets, requests, timeouts, failures and latency appear in `stats`
   * like those of `createHttpClient` services; `makeRequest` refuses it.
   * Registering a name again replaces the old registration (its sockets are closed).
   */
  registerAgent(serviceName: string, options: AgentRegistration): PooledAgent {
    const healthTimeoutMs = positiveInt(
      serviceName,
      'healthTimeoutMs',
      options.healthTimeoutMs ?? DEFAULTS.healthTimeoutMs,
    );
    const agent = createKeepAliveAgent(serviceName, options.protocol, options);
    const instrumentation = new PoolInstrumentation(agent);
    this.replace(serviceName, {
      agent,
      instrumentation,
      check: options.healthProbe && healthOf(boundedProbe(options.healthProbe, healthTimeoutMs)),
      lastHealth: null,
    });
    return pooledAgent(serviceName, options.protocol, agent, instrumentation);
  }

  /**
   * Performs one attempt and returns the response whatever its status (the
   * caller classifies 4xx/5xx). Throws HTTP_TIMEOUT, HTTP_CONNECTION,
   * HTTP_ABORTED or UNKNOWN_SERVICE; check `details.mayHaveReachedServer`
   * before concluding that a payment request had no effect.
   * The axios config's own `timeout`, `validateStatus` and `maxRedirects` are ignored.
   */
  async makeRequest<T = unknown>(
    serviceName: string,
    config: AxiosRequestConfig,
    opts: MakeRequestOptions = {},
  ): Promise<AxiosResponse<T>> {
    const service = this.service(serviceName);
    if (!service.axios) {
      throw new HttpPoolConfigError(
        serviceName,
        'it was registered with registerAgent, so its own client sends its requests',
      );
    }
    const { endpoints, limiter } = service.axios;
    const endpoint = endpoints[opts.endpoint ?? 0];
    if (!endpoint) throw new HttpPoolConfigError(serviceName, `it has no endpoint ${opts.endpoint}`);
    const timeoutMs = opts.timeoutMs ?? service.axios.attemptTimeoutMs;
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
      throw new HttpPoolConfigError(serviceName, `timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    const stats = service.instrumentation;
    const own = endpoint.instrumentation;
    stats.requestStarted();
    own?.requestStarted();
    const started = performance.now();
    let slot: LimitSlot | null = null;
    let remainingMs = timeoutMs;
    if (limiter) {
      slot = await limiter.acquire(timeoutMs);
      const waitedMs = performance.now() - started;
      if (!slot) {
        ended(stats, own, REQUEST_OUTCOME.timeout, waitedMs);
        // Never sent: it waited for a slot of the concurrency limit, as for a socket over maxSockets.
        const details = { timeoutMs, waitingForSocket: true, queuedMs: Math.round(waitedMs) };
        throw new HttpTimeoutError({ service: serviceName, ...details, mayHaveReachedServer: false });
      }
      // What is left of the deadline after the wait for a slot (all of it when there was none).
      if (waitedMs >= 1) remainingMs = Math.max(1, Math.round(timeoutMs - waitedMs));
    }
    const sentAt = slot ? performance.now() : started;
    try {
      if (opts.signal?.aborted) throw new HttpAbortedError({ service: serviceName, mayHaveReachedServer: false });
      const response = await send(endpoint.target, config, remainingMs, opts.signal);
      const now = performance.now();
      slot?.release({ latencyMs: now - sentAt, outcome: response.status === 429 ? 'dropped' : 'ok' });
      const outcome = isFailureStatus(response.status) ? REQUEST_OUTCOME.failedStatus : REQUEST_OUTCOME.ok;
      ended(stats, own, outcome, now - started);
      return response as AxiosResponse<T>;
    } catch (err) {
      const now = performance.now();
      const timedOut = hasCode(err, HttpTimeoutError.code) && err.details?.mayHaveReachedServer === true;
      slot?.release(timedOut ? { latencyMs: now - sentAt, outcome: 'dropped' } : undefined);
      ended(stats, own, outcomeOf(err), now - started);
      throw err;
    }
  }

  /**
   * Runs the service's health check within its healthTimeoutMs, remembers and
   * returns the result: a GET of healthPath for `createHttpClient` services
   * (through the service's pool, so it also proves a socket can be had), the
   * health probe for `registerAgent` ones. Never throws for an unhealthy
   * service. Not counted in `requests`.
   */
  async checkHealth(serviceName: string): Promise<HealthResult> {
    const service = this.service(serviceName);
    if (!service.check) {
      throw new HttpPoolConfigError(serviceName, 'it has no health check: pass healthProbe to registerAgent');
    }
    const result = await service.check();
    service.lastHealth = result;
    return result;
  }

  /** Last health check result of the service, or null when never checked. */
  health(serviceName: string): HealthResult | null {
    return this.service(serviceName).lastHealth;
  }

  /** Stats snapshot of one service. */
  stats(serviceName: string): HttpPoolStats {
    return this.service(serviceName).instrumentation.snapshot();
  }

  /** Each endpoint's numbers, for a service with several base URLs; null for one with a single endpoint. */
  endpointStats(serviceName: string): EndpointPoolStats[] | null {
    const endpoints = this.service(serviceName).axios?.endpoints ?? [];
    if (endpoints.length < 2) return null;
    return endpoints.map((e) => ({ endpoint: e.name, pool: e.instrumentation!.snapshot(), health: e.lastHealth }));
  }

  /** The service's adaptive concurrency limit, or null when it has none. */
  limitView(serviceName: string): ConcurrencyLimitView | null {
    return this.service(serviceName).axios?.limiter?.view() ?? null;
  }

  /** Stats snapshots of every registered service, by name. */
  allStats(): Record<string, HttpPoolStats> {
    return Object.fromEntries([...this.services].map(([name, s]) => [name, s.instrumentation.snapshot()]));
  }

  /** Closes every socket and forgets all services (shutdown, tests). */
  destroy(): void {
    for (const s of this.services.values()) for (const a of [s.agent, ...(s.others ?? [])]) a.destroy();
    this.services.clear();
  }

  private replace(serviceName: string, service: Service): void {
    const old = this.services.get(serviceName);
    for (const a of old ? [old.agent, ...(old.others ?? [])] : []) a.destroy();
    this.services.set(serviceName, service);
  }

  private service(serviceName: string): Service {
    const service = this.services.get(serviceName);
    if (!service) throw new UnknownServiceError(serviceName);
    return service;
  }
}

/** A health check that times itself and builds its result. */
function healthOf(check: HealthCheck): () => Promise<HealthResult> {
  return () => runHealthCheck(check);
}
