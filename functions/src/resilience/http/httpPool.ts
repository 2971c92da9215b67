import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { hasCode } from '../../errors.js';
import { createKeepAliveAgent, positiveInt, protocolOf, type AgentSettings } from './httpAgent.js';
import { boundedProbe, runHealthCheck, type HealthCheck, type HealthResult } from './httpHealth.js';
import { attempt, type AttemptTarget } from './httpPoolAttempt.js';
import { HttpConnectionError, HttpPoolConfigError, HttpTimeoutError, UnknownServiceError } from './httpPoolErrors.js';
import { pooledAgent, type AgentRegistration, type PooledAgent } from './pooledAgent.js';
import {
  PoolInstrumentation,
  REQUEST_OUTCOME,
  isFailureStatus,
  type HttpPoolStats,
  type RequestOutcome,
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
}

/** Per-call options of {@link HttpPoolManager.makeRequest}. */
export interface MakeRequestOptions {
  /** Wall-clock deadline of this call, overriding the service's attemptTimeoutMs. */
  timeoutMs?: number;
  /** Cancels the call (HTTP_ABORTED). A `signal` in the axios config works too. */
  signal?: AbortSignal;
}

interface Service {
  agent: http.Agent;
  instrumentation: PoolInstrumentation;
  /** Undefined for a registered agent without a health probe. */
  check: HealthCheck | undefined;
  lastHealth: HealthResult | null;
  /** What `makeRequest` needs; only services of `createHttpClient` have it. */
  axios?: { target: AttemptTarget; attemptTimeoutMs: number };
}

const DEFAULTS = { attemptTimeoutMs: 5000, healthPath: '/health', healthTimeoutMs: 2000 } as const;

/** Shared empty signal list of the common call without a caller signal. */
const NO_SIGNALS: readonly AbortSignal[] = Object.freeze([]);

function outcomeOf(err: unknown): RequestOutcome {
  if (hasCode(err, HttpTimeoutError.code)) return REQUEST_OUTCOME.timeout;
  if (hasCode(err, HttpConnectionError.code)) return REQUEST_OUTCOME.connection;
  return REQUEST_OUTCOME.aborted;
}

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
  createHttpClient(serviceName: string, baseURL: string, options: HttpClientOptions = {}): AxiosInstance {
    const protocol = protocolOf(serviceName, baseURL);
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
    const agent = createKeepAliveAgent(serviceName, protocol, options);
    const client = axios.create({
      baseURL,
      headers: options.headers,
      httpAgent: agent,
      httpsAgent: agent,
      // Never route through HTTP(S)_PROXY from the environment: the service's
      // agent must carry the traffic for its limits and stats to be real.
      proxy: false,
      maxRedirects: 0,
      validateStatus: () => true,
    });
    const instrumentation = new PoolInstrumentation(agent);
    const target: AttemptTarget = {
      service: serviceName,
      client,
      agent,
      socketAssigned: (socket) => instrumentation.socketAssigned(socket),
      reusedSocketRetried: () => instrumentation.reusedSocketRetried(),
    };
    const healthPath = options.healthPath ?? DEFAULTS.healthPath;
    this.replace(serviceName, {
      agent,
      instrumentation,
      check: () => this.probePath(target, healthPath, healthTimeoutMs),
      lastHealth: null,
      axios: { target, attemptTimeoutMs },
    });
    return client;
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
      check: options.healthProbe && boundedProbe(options.healthProbe, healthTimeoutMs),
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
    const timeoutMs = opts.timeoutMs ?? service.axios.attemptTimeoutMs;
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
      throw new HttpPoolConfigError(serviceName, `timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    const stats = service.instrumentation;
    stats.requestStarted();
    const started = performance.now();
    try {
      const response = await this.send(service.axios.target, config, timeoutMs, opts.signal);
      const outcome = isFailureStatus(response.status) ? REQUEST_OUTCOME.failedStatus : REQUEST_OUTCOME.ok;
      stats.requestEnded(outcome, performance.now() - started);
      return response as AxiosResponse<T>;
    } catch (err) {
      stats.requestEnded(outcomeOf(err), performance.now() - started);
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
    const result = await runHealthCheck(service.check);
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

  /** Stats snapshots of every registered service, by name. */
  allStats(): Record<string, HttpPoolStats> {
    return Object.fromEntries([...this.services].map(([name, s]) => [name, s.instrumentation.snapshot()]));
  }

  /** Closes every socket and forgets all services (shutdown, tests). */
  destroy(): void {
    for (const s of this.services.values()) s.agent.destroy();
    this.services.clear();
  }

  private replace(serviceName: string, service: Service): void {
    this.services.get(serviceName)?.agent.destroy();
    this.services.set(serviceName, service);
  }

  private service(serviceName: string): Service {
    const service = this.services.get(serviceName);
    if (!service) throw new UnknownServiceError(serviceName);
    return service;
  }

  /** GETs `path`: undefined on 2xx, else a short code (`HTTP_503`, `HTTP_TIMEOUT`, `HTTP_CONNECTION:ECONNREFUSED`). */
  private async probePath(target: AttemptTarget, path: string, timeoutMs: number): Promise<string | undefined> {
    try {
      const res = await this.send(target, { method: 'GET', url: path }, timeoutMs);
      return res.status >= 200 && res.status <= 299 ? undefined : `HTTP_${res.status}`;
    } catch (err) {
      if (hasCode(err, HttpConnectionError.code)) return `${err.code}:${String(err.details?.errno)}`;
      return hasCode(err, HttpTimeoutError.code) ? err.code : 'UNKNOWN';
    }
  }

  private send(
    target: AttemptTarget,
    config: AxiosRequestConfig,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<AxiosResponse> {
    // No array work for the usual call without a caller signal.
    const inConfig = config.signal instanceof AbortSignal ? config.signal : undefined;
    let signals = NO_SIGNALS;
    if (signal instanceof AbortSignal) signals = inConfig ? [signal, inConfig] : [signal];
    else if (inConfig) signals = [inConfig];
    return attempt(target, config, { timeoutMs, signals });
  }
}
