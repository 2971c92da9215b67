import type http from 'node:http';
import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { hasCode } from '../appError.js';
import { createKeepAliveAgent, protocolOf, type AgentSettings } from './httpAgent.js';
import { runHealthCheck, type HealthCheck, type HealthResult } from './httpHealth.js';
import { anyStatus, attempt, type AttemptTarget } from './httpPoolAttempt.js';
import { trimDefaults } from './leanDefaults.js';
import { HttpConnectionError, HttpTimeoutError } from './httpPoolErrors.js';
import { PoolInstrumentation } from './httpPoolStats.js';

/** One base URL of a service: its own keep-alive agent, axios client and (with several endpoints) its own stats. */
export interface EndpointPool {
  /** {@link endpointName} of the base URL. */
  name: string;
  agent: http.Agent;
  target: AttemptTarget;
  /** Counts this endpoint alone; undefined for a service with one endpoint (the service's numbers are its). */
  instrumentation: PoolInstrumentation | undefined;
  lastHealth: HealthResult | null;
}

/**
 * How an endpoint is named in stats, logs and ledger records: `host[:port][/path]`
 * of its base URL, without scheme, credentials, query or trailing slash.
 */
export function endpointName(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.host}${path}`;
}

/**
 * Builds the pool of one endpoint of `service`. `own`: it gets stats of its
 * own; `serviceStats` (read when a request runs) counts for the whole service.
 */
export function createEndpointPool(
  service: string,
  baseURL: string,
  settings: AgentSettings & { headers?: Record<string, string> | undefined },
  own: boolean,
  serviceStats: () => PoolInstrumentation,
): EndpointPool {
  const agent = createKeepAliveAgent(service, protocolOf(service, baseURL), settings);
  const client = trimDefaults(
    axios.create({
      baseURL,
      headers: settings.headers,
      httpAgent: agent,
      httpsAgent: agent,
      // Never route through HTTP(S)_PROXY from the environment: the service's
      // agent must carry the traffic for its limits and stats to be real.
      proxy: false,
      maxRedirects: 0,
      validateStatus: anyStatus,
      timeout: 0,
    }),
  );
  const instrumentation = own ? new PoolInstrumentation(agent) : undefined;
  return {
    name: endpointName(baseURL),
    agent,
    instrumentation,
    lastHealth: null,
    target: {
      service,
      client,
      agent,
      socketAssigned: (socket, fromFreeList) => {
        instrumentation?.socketAssigned(socket, fromFreeList);
        return serviceStats().socketAssigned(socket, fromFreeList);
      },
      reusedSocketRetried: () => {
        instrumentation?.reusedSocketRetried();
        serviceStats().reusedSocketRetried();
      },
    },
  };
}

/**
 * Runs every endpoint's health check and keeps each result on its endpoint.
 * With several endpoints the service is healthy while any endpoint is
 * (payments can be served; each endpoint's result is in its stats), and
 * the error names them all when none is.
 */
export async function checkEndpoints(
  endpoints: readonly EndpointPool[],
  check: (e: EndpointPool) => HealthCheck,
): Promise<HealthResult> {
  if (endpoints.length === 1) {
    const only = endpoints[0]!;
    only.lastHealth = await runHealthCheck(check(only));
    return only.lastHealth;
  }
  return runHealthCheck(async () => {
    const results = await Promise.all(
      endpoints.map(async (e) => {
        e.lastHealth = await runHealthCheck(check(e));
        return e.lastHealth;
      }),
    );
    const failing = endpoints.flatMap((e, i) => (results[i]!.ok ? [] : [`${e.name}: ${results[i]!.error}`]));
    if (failing.length === 0) return undefined;
    const summary = `every endpoint is failing (${failing.join('; ')})`;
    return failing.length < endpoints.length ? undefined : summary;
  });
}

/** Shared empty signal list of the common call without a caller signal. */
const NO_SIGNALS: readonly AbortSignal[] = Object.freeze([]);

/** GETs `path`: undefined on 2xx, else a short code (`HTTP_503`, `HTTP_TIMEOUT`, `HTTP_CONNECTION:ECONNREFUSED`). */
export async function probePath(target: AttemptTarget, path: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await send(target, { method: 'GET', url: path }, timeoutMs);
    return res.status >= 200 && res.status <= 299 ? undefined : `HTTP_${res.status}`;
  } catch (err) {
    if (hasCode(err, HttpConnectionError.code)) return `${err.code}:${String(err.details?.errno)}`;
    return hasCode(err, HttpTimeoutError.code) ? err.code : 'UNKNOWN';
  }
}

/** One attempt through `target`, with the caller's signals (argument and axios config). */
export function send(
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
