import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { AgentSettings, PoolProtocol } from './httpAgent.js';
import { inHealthCheck, type HealthProbe } from './httpHealth.js';
import type { PoolInstrumentation, RequestOutcome } from './httpPoolStats.js';

/** Options of `HttpPoolManager.registerAgent`. */
export interface AgentRegistration extends AgentSettings {
  /** Protocol of the service's endpoint: the agent is an `https.Agent` for 'https:'. */
  protocol: PoolProtocol;
  /** The service's cheap health call, run by `checkHealth(serviceName)`. */
  healthProbe?: HealthProbe;
  /** Deadline of a health check (default 2000 ms). */
  healthTimeoutMs?: number;
}

/**
 * A service whose requests an outside client (such as an AWS SDK client) sends
 * through the pool's agent. The agent's sockets are measured by the pool; the
 * client reports each request through `requestStarted`.
 */
export interface PooledAgent {
  readonly service: string;
  readonly protocol: PoolProtocol;
  /** The service's keep-alive agent (an `https.Agent` when protocol is 'https:'). Owned by the pool. */
  readonly agent: http.Agent;
  /**
   * Counts the start of one request and returns the function to call once with
   * how it ended (its duration is measured from this call). Requests made
   * inside this service's health check are not counted, as for
   * `createHttpClient` services.
   */
  requestStarted(): (outcome: RequestOutcome) => void;
  /**
   * Registers a socket the agent handed to one of the client's requests (its
   * 'socket' event), so the peak of requests in flight (`peakActiveSockets`)
   * is measured as for `createHttpClient` services. Returns true when the
   * socket served an earlier request (a reused keep-alive socket).
   */
  socketAssigned(socket: Duplex): boolean;
}

/** The end of a request that is not counted (one inside a health check). */
const NOT_COUNTED = (): void => {};

/** The handle of a registered agent, reporting into `instrumentation`. */
export function pooledAgent(
  service: string,
  protocol: PoolProtocol,
  agent: http.Agent,
  instrumentation: PoolInstrumentation,
): PooledAgent {
  return {
    service,
    protocol,
    agent,
    requestStarted() {
      if (inHealthCheck()) return NOT_COUNTED;
      instrumentation.requestStarted();
      const started = performance.now();
      return (outcome) => instrumentation.requestEnded(outcome, performance.now() - started);
    },
    socketAssigned: (socket) => instrumentation.socketAssigned(socket),
  };
}
