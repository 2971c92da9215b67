import type { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpPoolNumbers } from './httpTypes.js';
import { LatencyWindow, type LatencyPercentiles } from '../window/latency.js';
import { hasCode } from '../appError.js';
import { HttpConnectionError, HttpTimeoutError } from './httpPoolErrors.js';

/** Snapshot of one service's HTTP pool: the published numbers (each defined in httpTypes.ts) plus two more. */
export type HttpPoolStats = HttpPoolNumbers & {
  /** Extra attempts made because a reused keep-alive socket was reset before any response byte (health checks included). */
  reusedSocketRetries: number;
  /** Duration of `makeRequest` calls (queue wait and retry included), successful or failed, caller aborts excluded. */
  latencyMs: LatencyPercentiles;
};

/** How a `makeRequest` call ended, for the counters. */
export const REQUEST_OUTCOME = {
  /** Any HTTP response that is not 5xx/429. */
  ok: 'ok',
  /** A 5xx or 429 response (returned to the caller, counted as failure). */
  failedStatus: 'failedStatus',
  timeout: 'timeout',
  connection: 'connection',
  aborted: 'aborted',
} as const;

/** One of {@link REQUEST_OUTCOME}. */
export type RequestOutcome = (typeof REQUEST_OUTCOME)[keyof typeof REQUEST_OUTCOME];

/** True for statuses the pool counts as service failures (the caller still gets the response). */
export function isFailureStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** Total length of the arrays of the agents' per-origin maps (`sockets`, `freeSockets`, `requests`). */
function total<T>(
  agents: readonly Agent[],
  map: (a: Agent) => NodeJS.ReadOnlyDict<T[]>,
  keep?: (item: T) => boolean,
): number {
  let n = 0;
  for (const agent of agents) {
    const lists = map(agent);
    // A for-in over the per-origin map: no Object.values array (it runs on socket assignments).
    for (const origin in lists) {
      const list = lists[origin];
      if (list === undefined) continue;
      if (keep === undefined) n += list.length;
      else for (const item of list) if (keep(item)) n++;
    }
  }
  return n;
}

const socketsOf = (a: Agent) => a.sockets;
const freeSocketsOf = (a: Agent) => a.freeSockets;
const requestsOf = (a: Agent) => a.requests;

/**
 * Counts what happens on one service's agent and its requests (or on the
 * agents of all its endpoints; one instrumentation per endpoint counts that
 * endpoint alone). Socket counters come from wrapping `agent.createConnection`
 * (Node's Agent emits no "created" event) plus each socket's own 'close'/'error' events.
 */
export class PoolInstrumentation {
  private readonly seen = new WeakSet<Duplex>();
  private readonly served = new WeakMap<Duplex, number>();
  private readonly latency = new LatencyWindow();
  private socketsCreated = 0;
  private socketsClosed = 0;
  private socketErrors = 0;
  private requests = 0;
  private timeouts = 0;
  private failures = 0;
  private reusedSocketRetries = 0;
  private peakActiveSockets = 0;

  private readonly agents: readonly Agent[];

  constructor(agent: Agent | readonly Agent[]) {
    this.agents = Array.isArray(agent) ? agent : [agent as Agent];
    for (const a of this.agents) {
      const create = a.createConnection.bind(a);
      a.createConnection = (options, callback) => {
        const socket = create(options, callback);
        if (socket) this.track(socket);
        return socket;
      };
    }
  }

  /**
   * Notes that `socket` was handed to a request. Returns true when it had
   * already served an earlier request (a reused keep-alive socket). Tracks
   * sockets a custom createConnection returned asynchronously, too.
   * `fromFreeList` is the request's `reusedSocket` when the caller knows it:
   * false for a socket that served before means the agent handed it straight
   * from a finished request to a queued one, which leaves the number of active
   * sockets as it was, so the peak is not recounted (most assignments under
   * load are such hand-offs).
   */
  socketAssigned(socket: Duplex, fromFreeList?: boolean): boolean {
    this.track(socket);
    const before = this.served.get(socket) ?? 0;
    if (before === 0 || fromFreeList !== false) {
      this.peakActiveSockets = Math.max(this.peakActiveSockets, total(this.agents, socketsOf));
    }
    this.served.set(socket, before + 1);
    return before > 0;
  }

  /** Counts the start of a `makeRequest` call. */
  requestStarted(): void {
    this.requests++;
  }

  /** Counts a retry on a fresh attempt after a reused socket was reset. */
  reusedSocketRetried(): void {
    this.reusedSocketRetries++;
  }

  /** Counts how a `makeRequest` call ended and how long it took. */
  requestEnded(outcome: RequestOutcome, durationMs: number): void {
    if (outcome === REQUEST_OUTCOME.aborted) return;
    this.latency.record(durationMs);
    if (outcome === REQUEST_OUTCOME.timeout) this.timeouts++;
    if (outcome !== REQUEST_OUTCOME.ok) this.failures++;
  }

  /** Current stats; gauges are read from the agent at call time. */
  snapshot(): HttpPoolStats {
    return {
      // Endpoints of one service share its concurrency limit, so its cap is one agent's, not their sum.
      maxSockets: Math.max(...this.agents.map((a) => a.maxSockets)),
      activeSockets: total(this.agents, socketsOf),
      peakActiveSockets: Math.max(this.peakActiveSockets, total(this.agents, socketsOf)),
      freeSockets: total(this.agents, freeSocketsOf),
      // Node leaves a queued request that was destroyed (deadline, abort) in the
      // queue until a socket frees up; it no longer waits, so it is not counted.
      queued: total(this.agents, requestsOf, (req) => !req.destroyed),
      socketsCreated: this.socketsCreated,
      socketsClosed: this.socketsClosed,
      socketErrors: this.socketErrors,
      requests: this.requests,
      timeouts: this.timeouts,
      failures: this.failures,
      reusedSocketRetries: this.reusedSocketRetries,
      latencyMs: this.latency.percentiles(),
    };
  }

  private track(socket: Duplex): void {
    if (this.seen.has(socket)) return;
    this.seen.add(socket);
    this.socketsCreated++;
    socket.once('close', () => this.socketsClosed++);
    socket.on('error', () => this.socketErrors++);
  }
}

/** Counts the end of a `makeRequest` call for the service and, with several endpoints, for its endpoint. */
export function requestEnded(
  stats: PoolInstrumentation,
  own: PoolInstrumentation | undefined,
  outcome: RequestOutcome,
  ms: number,
): void {
  stats.requestEnded(outcome, ms);
  own?.requestEnded(outcome, ms);
}

/** The outcome a failed `makeRequest` call is counted as. */
export function outcomeOf(err: unknown): RequestOutcome {
  if (hasCode(err, HttpTimeoutError.code)) return REQUEST_OUTCOME.timeout;
  if (hasCode(err, HttpConnectionError.code)) return REQUEST_OUTCOME.connection;
  return REQUEST_OUTCOME.aborted;
}
