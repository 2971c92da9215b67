/**
 * What the HTTP keep-alive pool reports: its numbers and the last health check of a service.
 * Import-free (type imports only): the admin SPA bundles it through api/.
 */

/**
 * HTTP keep-alive pool numbers of one service (undici words). Gauges are "now"
 * (read from the agent); counters are cumulative since the service was
 * registered. Numbers only: no URL, header or body.
 */
export interface HttpPoolNumbers {
  /** Most sockets the pool opens to the service at once (agent maxSockets). */
  maxSockets: number;
  /** Sockets open and carrying a request (or connecting for one) right now. */
  activeSockets: number;
  /**
   * Most sockets carrying requests at once since the service was registered:
   * requests in flight to it. Fleet-wide, the sum of the instances' peaks (an
   * upper bound of the fleet's peak).
   */
  peakActiveSockets: number;
  /** Idle keep-alive sockets waiting for reuse right now. */
  freeSockets: number;
  /** Requests waiting for a socket because maxSockets are busy, right now. */
  queued: number;
  /** Sockets (TCP/TLS connections) opened so far. */
  socketsCreated: number;
  /** Sockets closed so far, for any reason (idle timeout, server close, error, destroy). */
  socketsClosed: number;
  /** Socket-level errors so far (refused, reset, TLS...). One failing request may add one. */
  socketErrors: number;
  /** Requests so far (health checks excluded); a reused-socket retry counts once. */
  requests: number;
  /** Requests that passed their wall-clock deadline. */
  timeouts: number;
  /** Requests that ended in a transport error (timeouts included, caller aborts excluded) or a 5xx/429 answer. */
  failures: number;
}

/** Last health check of a service; every field is null until one ran. */
export interface HealthView {
  ok: boolean | null;
  checkedAt: number | null;
  /** Round trip of the check; null before a check and when it got no answer. */
  latencyMs: number | null;
  /** Why the last check failed, in words (no URL, header or secret). */
  error?: string;
}
