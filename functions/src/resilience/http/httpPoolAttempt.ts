import http from 'node:http';
import { performance } from 'node:perf_hooks';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { isAxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { HttpAbortedError, HttpConnectionError, HttpTimeoutError } from './httpPoolErrors.js';
import { repeatableOnReset } from './reusedSocketRetry.js';

/** How far one request got; only moves forward. */
export const REQUEST_PHASE = {
  /** Waiting in the agent's queue for a socket (maxSockets busy). */
  queued: 'queued',
  /** Has a new socket that is still connecting: nothing was sent yet. */
  connecting: 'connecting',
  /** Has a connected socket: request bytes may have been sent. */
  connected: 'connected',
  /** Response headers arrived. */
  responded: 'responded',
} as const;

/** One of {@link REQUEST_PHASE}. */
export type RequestPhase = (typeof REQUEST_PHASE)[keyof typeof REQUEST_PHASE];

/** What the attempt needs from the pool that owns the service. */
export interface AttemptTarget {
  service: string;
  client: AxiosInstance;
  agent: http.Agent;
  /**
   * Registers a socket handed to a request (`fromFreeList`: the request's
   * `reusedSocket`, see PoolInstrumentation.socketAssigned); true when it served an earlier request.
   */
  socketAssigned(socket: Duplex, fromFreeList: boolean): boolean;
  /** Called just before the single reused-socket retry. */
  reusedSocketRetried(): void;
}

/** Per-call limits of an attempt. */
export interface AttemptLimits {
  /** Wall-clock deadline for the whole call (queue wait, connect, response body, retry). */
  timeoutMs: number;
  /** Caller signals; any of them aborting cancels the call with HTTP_ABORTED. */
  signals: readonly AbortSignal[];
}

const reached = (phase: RequestPhase): boolean =>
  phase === REQUEST_PHASE.connected || phase === REQUEST_PHASE.responded;

/** axios `validateStatus`: every response is returned, the caller classifies it (the pool's clients' default). */
export const anyStatus = (): boolean => true;

/** Rejection value of a stopped call; never leaves this module (the typed error is built from the Call). */
const STOPPED: unique symbol = Symbol('attempt stopped');

/** How a call was stopped before axios settled it. */
type StopReason = 'deadline' | 'caller';

/**
 * State of one `attempt` call: the deadline, who stopped it, and the request
 * currently on the wire (the first try or the reused-socket retry).
 */
class Call {
  /** When the call began (performance.now()), so the time queued for a socket is known. */
  readonly startedAt = performance.now();
  stoppedBy: StopReason | undefined = undefined;
  phaseAtStop: RequestPhase = REQUEST_PHASE.queued;
  current: Try | undefined = undefined;
  /** Rejects the promise the caller is waiting on for the current try. */
  rejectCurrent: ((reason: unknown) => void) | undefined = undefined;

  constructor(readonly target: AttemptTarget) {}

  /**
   * Ends the call now: the waiting caller is released at once (even while the
   * request is still queued behind maxSockets, where destroying it alone
   * would only take effect once a socket frees up) and the request is destroyed.
   */
  stop(by: StopReason): void {
    if (this.stoppedBy !== undefined) return;
    this.stoppedBy = by;
    this.phaseAtStop = this.current?.phase ?? REQUEST_PHASE.queued;
    this.current?.abort();
    this.rejectCurrent?.(STOPPED);
  }
}

/**
 * One try of a call and its axios `transport` (axios calls
 * `transport.request(options, onResponse)` instead of `http.request`): pins the
 * service's agent and records the request's phase and whether its socket is a
 * reused keep-alive one.
 */
class Try {
  phase: RequestPhase = REQUEST_PHASE.queued;
  /** When a socket was assigned (performance.now()); undefined while queued. */
  socketAt: number | undefined = undefined;
  reusedSocket = false;
  private req: http.ClientRequest | undefined = undefined;

  constructor(private readonly call: Call) {}

  request(options: http.RequestOptions, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
    const { target } = this.call;
    const send = options.protocol === 'https:' ? https.request : http.request;
    // axios builds `options` afresh for every request, so it is set in place rather than copied.
    options.agent = target.agent;
    const req = send(options, (res) => {
      this.phase = REQUEST_PHASE.responded;
      onResponse(res);
    });
    this.req = req;
    // Emitted at most once per request ('socket' is not re-emitted on retry: a retry is a new request).
    req.on('socket', (socket) => {
      this.socketAt = performance.now();
      // Node sets req.reusedSocket only for sockets taken from the free list,
      // not for sockets handed straight to a queued request; count ourselves.
      this.reusedSocket = target.socketAssigned(socket, req.reusedSocket) || req.reusedSocket;
      if (!socket.connecting) {
        this.phase = REQUEST_PHASE.connected;
        return;
      }
      this.phase = REQUEST_PHASE.connecting;
      socket.once('connect', () => {
        if (this.phase === REQUEST_PHASE.connecting) this.phase = REQUEST_PHASE.connected;
      });
    });
    // Stopped while axios was still preparing this request: it must not go out.
    if (this.call.stoppedBy !== undefined) this.abort();
    return req;
  }

  /**
   * Destroys the request, as axios does on abort. With an error, as axios passes
   * one, so an assigned socket is destroyed the same way (its 'error' is counted).
   */
  abort(): void {
    if (this.req !== undefined && !this.req.destroyed)
      this.req.destroy(new Error('request stopped by its deadline or caller'));
  }
}

/** Low-level code of a failed request (`ECONNRESET`...), looking through axios's wrapper. */
function errnoOf(err: unknown): string {
  const own = (err as { code?: unknown } | null)?.code;
  if (typeof own === 'string' && own !== '') return own;
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' && cause !== '' ? cause : 'UNKNOWN';
}

/**
 * The error to keep as `cause`: the underlying Node error, never the
 * AxiosError itself, whose `config` holds the request headers (Authorization).
 */
function safeCause(err: unknown): unknown {
  const inner = isAxiosError(err) ? err.cause : err;
  return isAxiosError(inner) || !(inner instanceof Error) ? undefined : inner;
}

function isStream(data: unknown): boolean {
  return typeof (data as { pipe?: unknown } | null)?.pipe === 'function';
}

/**
 * Performs one request with a wall-clock deadline and maps transport failures
 * to typed errors. Every HTTP response, whatever its status, is returned.
 *
 * The only retry: a reused keep-alive socket reset before any response byte
 * (the server closed the idle connection as we reused it), retried once within
 * the same deadline, for an idempotent method only (reusedSocketRetry.ts: the
 * reset may also come after the server processed a POST). Request bodies that
 * are streams are never retried.
 */
export async function attempt(
  target: AttemptTarget,
  config: AxiosRequestConfig,
  limits: AttemptLimits,
): Promise<AxiosResponse> {
  const { service } = target;
  const { signals } = limits;
  for (const s of signals) if (s.aborted) throw new HttpAbortedError({ service, mayHaveReachedServer: false });

  // axios's own `timeout` is a socket inactivity timer started once a socket is
  // assigned, so it ignores time queued behind maxSockets; this one does not.
  // No AbortController: the deadline (or a caller signal) settles the caller's
  // promise itself and destroys the request, which costs an allocation-light
  // timer instead of an EventTarget, its listeners and axios's abort plumbing.
  const call = new Call(target);
  const timer = setTimeout(() => call.stop('deadline'), limits.timeoutMs);
  timer.unref();
  const onCallerAbort = signals.length === 0 ? undefined : () => call.stop('caller');
  if (onCallerAbort) for (const s of signals) s.addEventListener('abort', onCallerAbort, { once: true });

  let mayHaveReachedServer = false;
  let retried = false;
  try {
    for (;;) {
      const current = new Try(call);
      call.current = current;
      const request: AxiosRequestConfig = { ...config, transport: current };
      // axios must neither time out nor reject a status on its own (the call does both) and follows no
      // redirect through a transport of its caller's. The pool's clients default to that
      // (createEndpointPool), so a key is set only against a config or client saying otherwise:
      // each key costs axios's config merge work on every request.
      const defaults = target.client.defaults;
      if (config.timeout || defaults.timeout) request.timeout = 0;
      if ('validateStatus' in config || defaults.validateStatus !== anyStatus) request.validateStatus = anyStatus;
      // The caller's signal is watched above; axios must not act on it on its own.
      if (config.signal !== undefined) request.signal = undefined;
      try {
        return await new Promise<AxiosResponse>((resolve, reject) => {
          call.rejectCurrent = reject;
          target.client.request(request).then(resolve, reject);
        });
      } catch (err) {
        call.rejectCurrent = undefined;
        const { stoppedBy } = call;
        mayHaveReachedServer ||= reached(stoppedBy ? call.phaseAtStop : current.phase);
        if (stoppedBy === 'caller') throw new HttpAbortedError({ service, mayHaveReachedServer });
        if (stoppedBy === 'deadline') {
          const waitingForSocket = call.phaseAtStop === REQUEST_PHASE.queued;
          const queuedMs = Math.round((current.socketAt ?? performance.now()) - call.startedAt);
          const details = { service, timeoutMs: limits.timeoutMs, waitingForSocket, queuedMs, mayHaveReachedServer };
          throw new HttpTimeoutError(details);
        }
        const errno = errnoOf(err);
        const resetBeforeResponse =
          errno === 'ECONNRESET' && current.reusedSocket && current.phase !== REQUEST_PHASE.responded;
        if (resetBeforeResponse && !retried && repeatableOnReset(config.method) && !isStream(config.data)) {
          retried = true;
          target.reusedSocketRetried();
          continue;
        }
        throw new HttpConnectionError({ service, errno, mayHaveReachedServer }, safeCause(err));
      }
    }
  } finally {
    clearTimeout(timer);
    if (onCallerAbort) for (const s of signals) s.removeEventListener('abort', onCallerAbort);
  }
}
