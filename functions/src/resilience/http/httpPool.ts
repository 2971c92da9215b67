import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { hasCode } from '../../errors.js';
import { attempt, type AttemptTarget } from './httpPoolAttempt.js';
import { HttpConnectionError, HttpPoolConfigError, HttpTimeoutError, UnknownServiceError } from './httpPoolErrors.js';
import {
  PoolInstrumentation,
  REQUEST_OUTCOME,
  isFailureStatus,
  type HttpPoolStats,
  type RequestOutcome,
} from './httpPoolStats.js';

export * from './httpPoolErrors.js';
export type { HttpPoolStats } from './httpPoolStats.js';

/** Options of {@link HttpPoolManager.createHttpClient}; every field is optional. */
export interface HttpClientOptions {
  /** Most concurrent sockets to the service; more requests queue (default 10, the seed's VUE_APP_MAX_CONNECTIONS). */
  maxSockets?: number;
  /**
   * Idle keep-alive sockets are closed after this long (default 4000 ms). Kept
   * below common server keep-alive timeouts (Node 5 s, nginx 75 s, ALBs 60 s) so
   * we close first instead of reusing a socket the server is closing.
   */
  freeSocketTimeoutMs?: number;
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

/** Result of the last health check of a service. */
export interface HealthResult {
  /** True when the health endpoint answered 2xx within healthTimeoutMs. */
  ok: boolean;
  /** When the check finished, ISO 8601. */
  checkedAt: string;
  /** Duration of the check in milliseconds. */
  latencyMs: number;
  /** Why it failed: `HTTP_<status>`, or an error code such as `HTTP_TIMEOUT` or `HTTP_CONNECTION:ECONNREFUSED`. */
  error?: string;
}

interface Service {
  client: AxiosInstance;
  agent: http.Agent;
  instrumentation: PoolInstrumentation;
  /** What `attempt` needs, built once per registration rather than per request. */
  target: AttemptTarget;
  attemptTimeoutMs: number;
  healthPath: string;
  healthTimeoutMs: number;
  lastHealth: HealthResult | null;
}

const DEFAULTS = {
  maxSockets: 10,
  freeSocketTimeoutMs: 4000,
  attemptTimeoutMs: 5000,
  healthPath: '/health',
  healthTimeoutMs: 2000,
} as const;

/** Shared empty signal list of the common call without a caller signal. */
const NO_SIGNALS: readonly AbortSignal[] = Object.freeze([]);

function positiveInt(service: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new HttpPoolConfigError(service, `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function outcomeOf(err: unknown): RequestOutcome {
  if (hasCode(err, HttpTimeoutError.code)) return REQUEST_OUTCOME.timeout;
  if (hasCode(err, HttpConnectionError.code)) return REQUEST_OUTCOME.connection;
  return REQUEST_OUTCOME.aborted;
}

/**
 * One keep-alive connection pool per outside service (payment provider,
 * webhooks...). Each service gets its own `http(s).Agent` so one slow provider
 * cannot take the sockets of another, and its own stats.
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
    let url: URL;
    try {
      url = new URL(baseURL);
    } catch {
      throw new HttpPoolConfigError(serviceName, 'baseURL is not an absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpPoolConfigError(serviceName, `baseURL must use http or https, got ${url.protocol}`);
    }
    const setting = (name: 'maxSockets' | 'freeSocketTimeoutMs' | 'attemptTimeoutMs' | 'healthTimeoutMs'): number =>
      positiveInt(serviceName, name, options[name] ?? DEFAULTS[name]);
    const maxSockets = setting('maxSockets');
    const freeSocketTimeoutMs = setting('freeSocketTimeoutMs');
    const attemptTimeoutMs = setting('attemptTimeoutMs');
    const healthTimeoutMs = setting('healthTimeoutMs');

    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets,
      // Reuse the most recently used socket: after a burst the surplus idle
      // sockets stay unused and age out through `timeout`, so the pool shrinks.
      scheduling: 'lifo',
      // For keep-alive agents Node destroys a *free* socket when this socket
      // timeout fires; busy sockets are unaffected (axios resets it per request).
      // Node also shortens it below a server's `Keep-Alive: timeout=N` hint.
      timeout: freeSocketTimeoutMs,
    };
    const agent = url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
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
    this.services.get(serviceName)?.agent.destroy();
    const instrumentation = new PoolInstrumentation(agent);
    this.services.set(serviceName, {
      client,
      agent,
      instrumentation,
      target: {
        service: serviceName,
        client,
        agent,
        socketAssigned: (socket) => instrumentation.socketAssigned(socket),
        reusedSocketRetried: () => instrumentation.reusedSocketRetried(),
      },
      attemptTimeoutMs,
      healthPath: options.healthPath ?? DEFAULTS.healthPath,
      healthTimeoutMs,
      lastHealth: null,
    });
    return client;
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
    const timeoutMs = opts.timeoutMs ?? service.attemptTimeoutMs;
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
      throw new HttpPoolConfigError(serviceName, `timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    const stats = service.instrumentation;
    stats.requestStarted();
    const started = performance.now();
    try {
      const response = await this.send(service, config, timeoutMs, opts.signal);
      const outcome = isFailureStatus(response.status) ? REQUEST_OUTCOME.failedStatus : REQUEST_OUTCOME.ok;
      stats.requestEnded(outcome, performance.now() - started);
      return response as AxiosResponse<T>;
    } catch (err) {
      stats.requestEnded(outcomeOf(err), performance.now() - started);
      throw err;
    }
  }

  /**
   * GETs the service's healthPath within healthTimeoutMs (through the service's
   * pool, so it also proves a socket can be had), remembers and returns the
   * result. Never throws for an unhealthy service. Not counted in `requests`.
   */
  async checkHealth(serviceName: string): Promise<HealthResult> {
    const service = this.service(serviceName);
    const started = performance.now();
    let error: string | undefined;
    try {
      const probe = { method: 'GET', url: service.healthPath };
      const res = await this.send(service, probe, service.healthTimeoutMs);
      if (res.status < 200 || res.status > 299) error = `HTTP_${res.status}`;
    } catch (err) {
      error = hasCode(err, HttpConnectionError.code)
        ? `${err.code}:${String(err.details?.errno)}`
        : hasCode(err, HttpTimeoutError.code)
          ? err.code
          : 'UNKNOWN';
    }
    const result: HealthResult = {
      ok: error === undefined,
      checkedAt: new Date().toISOString(),
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      ...(error === undefined ? {} : { error }),
    };
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

  private service(serviceName: string): Service {
    const service = this.services.get(serviceName);
    if (!service) throw new UnknownServiceError(serviceName);
    return service;
  }

  private send(
    service: Service,
    config: AxiosRequestConfig,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<AxiosResponse> {
    // No array work for the usual call without a caller signal.
    const inConfig = config.signal instanceof AbortSignal ? config.signal : undefined;
    let signals = NO_SIGNALS;
    if (signal instanceof AbortSignal) signals = inConfig ? [signal, inConfig] : [signal];
    else if (inConfig) signals = [inConfig];
    return attempt(service.target, config, { timeoutMs, signals });
  }
}
