import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { isAxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { HttpAbortedError, HttpConnectionError, HttpTimeoutError } from './httpPoolErrors.js';

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
  /** Registers a socket handed to a request; true when it served an earlier request. */
  socketAssigned(socket: Duplex): boolean;
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

interface Tracked {
  phase: RequestPhase;
  reusedSocket: boolean;
}

const reached = (phase: RequestPhase): boolean =>
  phase === REQUEST_PHASE.connected || phase === REQUEST_PHASE.responded;

/**
 * An axios `transport` (axios calls `transport.request(options, onResponse)`
 * instead of `http.request`) that pins the service's agent and records the
 * request's phase and whether its socket is a reused keep-alive one.
 */
function trackingTransport(target: AttemptTarget, tracked: Tracked) {
  return {
    request(options: http.RequestOptions, onResponse: (res: http.IncomingMessage) => void) {
      const send = options.protocol === 'https:' ? https.request : http.request;
      const req = send({ ...options, agent: target.agent }, onResponse);
      req.once('socket', (socket) => {
        // Node sets req.reusedSocket only for sockets taken from the free list,
        // not for sockets handed straight to a queued request; count ourselves.
        tracked.reusedSocket = target.socketAssigned(socket) || req.reusedSocket;
        if (!socket.connecting) {
          tracked.phase = REQUEST_PHASE.connected;
          return;
        }
        tracked.phase = REQUEST_PHASE.connecting;
        socket.once('connect', () => {
          if (tracked.phase === REQUEST_PHASE.connecting) tracked.phase = REQUEST_PHASE.connected;
        });
      });
      req.once('response', () => {
        tracked.phase = REQUEST_PHASE.responded;
      });
      return req;
    },
  };
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
 * the same deadline. Request bodies that are streams are never retried.
 */
export async function attempt(
  target: AttemptTarget,
  config: AxiosRequestConfig,
  limits: AttemptLimits,
): Promise<AxiosResponse> {
  const { service } = target;
  if (limits.signals.some((s) => s.aborted)) throw new HttpAbortedError({ service, mayHaveReachedServer: false });

  // axios's own `timeout` is a socket inactivity timer started once a socket is
  // assigned, so it ignores time queued behind maxSockets; this one does not.
  const controller = new AbortController();
  let abortedBy: 'deadline' | 'caller' | undefined;
  let phaseAtAbort: RequestPhase = REQUEST_PHASE.queued;
  let tracked: Tracked = { phase: REQUEST_PHASE.queued, reusedSocket: false };
  const stop = (by: 'deadline' | 'caller') => {
    if (abortedBy) return;
    abortedBy = by;
    phaseAtAbort = tracked.phase;
    controller.abort();
  };
  const timer = setTimeout(() => stop('deadline'), limits.timeoutMs);
  timer.unref();
  const onCallerAbort = () => stop('caller');
  for (const s of limits.signals) s.addEventListener('abort', onCallerAbort, { once: true });

  let mayHaveReachedServer = false;
  let retried = false;
  try {
    for (;;) {
      tracked = { phase: REQUEST_PHASE.queued, reusedSocket: false };
      try {
        return await target.client.request({
          ...config,
          signal: controller.signal,
          transport: trackingTransport(target, tracked),
          timeout: 0,
          maxRedirects: 0,
          validateStatus: () => true,
        });
      } catch (err) {
        mayHaveReachedServer ||= reached(abortedBy ? phaseAtAbort : tracked.phase);
        if (abortedBy === 'caller') throw new HttpAbortedError({ service, mayHaveReachedServer });
        if (abortedBy === 'deadline') {
          const waitingForSocket = phaseAtAbort === REQUEST_PHASE.queued;
          throw new HttpTimeoutError({ service, timeoutMs: limits.timeoutMs, waitingForSocket, mayHaveReachedServer });
        }
        const errno = errnoOf(err);
        const resetBeforeResponse =
          errno === 'ECONNRESET' && tracked.reusedSocket && tracked.phase !== REQUEST_PHASE.responded;
        if (resetBeforeResponse && !retried && !isStream(config.data)) {
          retried = true;
          target.reusedSocketRetried();
          continue;
        }
        throw new HttpConnectionError({ service, errno, mayHaveReachedServer }, safeCause(err));
      }
    }
  } finally {
    clearTimeout(timer);
    for (const s of limits.signals) s.removeEventListener('abort', onCallerAbort);
  }
}
