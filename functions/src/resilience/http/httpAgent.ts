import http from 'node:http';
import https from 'node:https';
import { HttpPoolConfigError } from './httpPoolErrors.js';

/** Protocol of a service's endpoint; decides between an http and an https agent. */
export type PoolProtocol = 'http:' | 'https:';

/** Socket settings of one service's keep-alive agent; every field is optional. */
export interface AgentSettings {
  /** Most concurrent sockets to the service; more requests queue (default 10, VUE_APP_MAX_CONNECTIONS). */
  maxSockets?: number;
  /**
   * Idle keep-alive sockets are closed after this long (default 4000 ms). Kept
   * below common server keep-alive timeouts (Node 5 s, nginx 75 s, ALBs 60 s) so
   * we close first instead of reusing a socket the server is closing.
   */
  freeSocketTimeoutMs?: number;
  /**
   * PEM certificate(s) of the CA(s) to trust for an https service instead of
   * Node's bundled roots (a private CA, or the simulator's generated one);
   * verification stays on. Ignored for http.
   */
  ca?: string | string[];
}

/** Defaults of {@link AgentSettings}. */
export const AGENT_DEFAULTS = { maxSockets: 10, freeSocketTimeoutMs: 4000 } as const;

/** `value` when it is a positive integer; otherwise an HttpPoolConfigError naming the setting. */
export function positiveInt(service: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new HttpPoolConfigError(service, `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** The protocol of an absolute http(s) URL (a base URL, an endpoint); an HttpPoolConfigError for anything else. */
export function protocolOf(service: string, absoluteUrl: string): PoolProtocol {
  let url: URL;
  try {
    url = new URL(absoluteUrl);
  } catch {
    throw new HttpPoolConfigError(service, 'the service URL is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpPoolConfigError(service, `the service URL must use http or https, got ${url.protocol}`);
  }
  return url.protocol;
}

/** A keep-alive agent of one service: https.Agent for 'https:', http.Agent for 'http:'. */
export function createKeepAliveAgent(service: string, protocol: PoolProtocol, settings: AgentSettings): http.Agent {
  const agentOptions: http.AgentOptions = {
    keepAlive: true,
    maxSockets: positiveInt(service, 'maxSockets', settings.maxSockets ?? AGENT_DEFAULTS.maxSockets),
    // Reuse the most recently used socket: after a burst the surplus idle
    // sockets stay unused and age out through `timeout`, so the pool shrinks.
    scheduling: 'lifo',
    // For keep-alive agents Node destroys a *free* socket when this socket
    // timeout fires; busy sockets are unaffected (axios resets it per request).
    // Node also shortens it below a server's `Keep-Alive: timeout=N` hint.
    timeout: positiveInt(
      service,
      'freeSocketTimeoutMs',
      settings.freeSocketTimeoutMs ?? AGENT_DEFAULTS.freeSocketTimeoutMs,
    ),
  };
  if (protocol === 'https:') return new https.Agent(settings.ca ? { ...agentOptions, ca: settings.ca } : agentOptions);
  return new http.Agent(agentOptions);
}
