/**
 * The stripe SDK's HTTP client on the HTTP pool manager's agent for
 * `payment-service`, so Stripe traffic is measured, health-checked and broken
 * like every other payment provider's. The SDK keeps what it is good at
 * (form encoding, headers, error objects, webhooks); this client owns the
 * transport, because the SDK's own Node client cannot honour what a payment
 * attempt needs:
 * - a wall-clock deadline: the SDK's `timeout` is a socket inactivity timer
 *   that starts only once a socket is assigned, so time queued behind
 *   maxSockets and a trickling answer escape it;
 * - knowing whether a request may have reached Stripe: a refused connection
 *   (`mayHaveReachedServer: false`) proves nothing was charged; the SDK's
 *   StripeConnectionError says neither;
 * - one request per attempt: the SDK re-sends once on ECONNRESET/EPIPE even
 *   with maxNetworkRetries 0. Our errors carry other codes, so it never does;
 *   like the pool, we retry only a reused keep-alive socket reset before any
 *   response byte (the server closed the idle connection as we reused it), and
 *   only for an idempotent method (`repeatableOnReset`): a POST reset there may
 *   have been processed, so the payment's own attempts count its next sending.
 * Each request is reported to the pool (outcome and duration, body included).
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import Stripe from 'stripe';
import {
  HttpConnectionError,
  HttpPoolConfigError,
  HttpTimeoutError,
  REQUEST_OUTCOME,
  repeatableOnReset,
  type PooledAgent,
  type RequestOutcome,
} from '../../resilience/http/index.js';

type Phase = 'queued' | 'connecting' | 'connected' | 'responded';

/** A body that arrived whole but is not JSON; the SDK turns it into a StripeAPIError with this as `raw.exception`. */
export class UnreadableBodyError extends Error {
  constructor(readonly statusCode: number) {
    super(`the answer (HTTP ${statusCode}) is not JSON`);
  }
}

/** Low-level code of a socket error (`ECONNREFUSED`...). */
function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'UNKNOWN';
}

/** One request of the SDK, from queueing for a socket to the end of its body, under one deadline. */
class PooledCall {
  private readonly startedAt = performance.now();
  private readonly ended: (outcome: RequestOutcome) => void;
  private phase: Phase = 'queued';
  private socketAt: number | undefined;
  private reached = false;
  private req: http.ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  /** Why the call ended early, once it did. */
  private failure: Error | undefined;
  /** Rejects whatever the SDK is waiting for now: the response headers, then the body. */
  private fail: (err: Error) => void = () => undefined;

  constructor(
    private readonly pooled: PooledAgent,
    private readonly timeoutMs: number,
  ) {
    this.ended = pooled.requestStarted();
  }

  /** Sends the request; resolves with the response once its headers arrive. */
  start(options: http.RequestOptions, body: string): Promise<PooledResponse> {
    this.timer = setTimeout(() => this.deadline(), this.timeoutMs);
    this.timer.unref();
    return new Promise((resolve, reject) => {
      this.fail = reject;
      this.send(options, body, false, resolve);
    });
  }

  private send(options: http.RequestOptions, body: string, retried: boolean, resolve: (r: PooledResponse) => void) {
    this.phase = 'queued';
    let reused = false;
    const send = this.pooled.protocol === 'https:' ? https.request : http.request;
    const req = send({ ...options, agent: this.pooled.agent });
    this.req = req;
    req.on('socket', (socket) => {
      this.socketAt ??= performance.now();
      // The pool counts the socket (and the peak in flight) and says whether it served before.
      reused = this.pooled.socketAssigned(socket) || req.reusedSocket;
      if (!socket.connecting) return void (this.phase = 'connected');
      this.phase = 'connecting';
      socket.once('connect', () => {
        if (this.phase === 'connecting') this.phase = 'connected';
      });
    });
    req.on('response', (res) => {
      this.phase = 'responded';
      resolve(new PooledResponse(res, this));
    });
    req.on('error', (err) => {
      if (this.settled) return;
      const resetBeforeAnswer = errnoOf(err) === 'ECONNRESET' && reused && this.phase !== 'responded';
      if (resetBeforeAnswer && !retried && repeatableOnReset(options.method)) {
        return this.send(options, body, true, resolve);
      }
      this.reached ||= this.phase === 'connected' || this.phase === 'responded';
      const details = { service: this.pooled.service, errno: errnoOf(err), mayHaveReachedServer: this.reached };
      this.finish(REQUEST_OUTCOME.connection, new HttpConnectionError(details, err));
    });
    req.end(body);
  }

  /** The body arrives through here so the deadline and the pool's counting cover it. */
  readBody(res: http.IncomingMessage, status: number): Promise<unknown> {
    // The deadline may have passed between the headers and this call.
    if (this.failure) return Promise.reject(Stripe.HttpClient.makeResponseBodyError(this.failure));
    return new Promise((resolve, reject) => {
      // A failure while reading is a transport failure for the SDK (StripeConnectionError), not bad JSON.
      this.fail = (err) => reject(Stripe.HttpClient.makeResponseBodyError(err));
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('error', (err) => this.bodyBroke(err));
      res.once('close', () => {
        if (!res.complete) this.bodyBroke(new Error('the connection closed before the answer was complete'));
      });
      res.once('end', () => {
        if (this.settled) return;
        this.finish(status >= 500 || status === 429 ? REQUEST_OUTCOME.failedStatus : REQUEST_OUTCOME.ok);
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new UnreadableBodyError(status));
        }
      });
    });
  }

  /** The SDK dropped the response unread. */
  dispose(res: http.IncomingMessage): void {
    res.destroy();
    if (!this.settled) this.finish(REQUEST_OUTCOME.aborted);
  }

  private bodyBroke(err: Error): void {
    if (this.settled) return;
    const details = { service: this.pooled.service, errno: errnoOf(err), mayHaveReachedServer: true };
    this.finish(REQUEST_OUTCOME.connection, new HttpConnectionError(details, err));
  }

  private deadline(): void {
    if (this.settled) return;
    const phase = this.phase;
    const queuedMs = Math.round((this.socketAt ?? performance.now()) - this.startedAt);
    const details = {
      service: this.pooled.service,
      timeoutMs: this.timeoutMs,
      waitingForSocket: phase === 'queued',
      queuedMs,
      mayHaveReachedServer: this.reached || phase === 'connected' || phase === 'responded',
    };
    this.finish(REQUEST_OUTCOME.timeout, new HttpTimeoutError(details));
    this.req?.destroy(new Error('request stopped by its deadline'));
  }

  private finish(outcome: RequestOutcome, err?: Error): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.ended(outcome);
    if (!err) return;
    this.failure = err;
    this.fail(err);
  }
}

/** A response whose body is read under its call's deadline. */
class PooledResponse extends Stripe.HttpClientResponse {
  constructor(
    private readonly res: http.IncomingMessage,
    private readonly call: PooledCall,
  ) {
    super(res.statusCode ?? 0, res.headers as Record<string, string | string[]>);
  }

  override getRawResponse(): http.IncomingMessage {
    return this.res;
  }

  override toStream(): never {
    throw new Error('streamed answers are not used by the payment provider');
  }

  override toJSON(): Promise<unknown> {
    return this.call.readBody(this.res, this.getStatusCode());
  }

  dispose(): void {
    this.call.dispose(this.res);
  }
}

/**
 * The stripe SDK's `httpClient` on a pool-owned agent (see the module comment).
 * `timeout` is the SDK's per-request timeout: here the wall-clock deadline of
 * the whole request.
 */
export class PooledStripeHttpClient extends Stripe.HttpClient {
  constructor(private readonly pooled: PooledAgent) {
    super();
  }

  override getClientName(): string {
    return 'node-pooled';
  }

  override makeRequest(
    host: string,
    port: string,
    path: string,
    method: string,
    headers: http.OutgoingHttpHeaders,
    requestData: string,
    protocol: string,
    timeout: number,
  ): Promise<PooledResponse> {
    // A request of the other protocol would need another agent, unmeasured: refuse it.
    if (`${protocol}:` !== this.pooled.protocol) {
      const problem = `the SDK sent a ${protocol} request but the pool's agent speaks ${this.pooled.protocol}`;
      return Promise.reject(new HttpPoolConfigError(this.pooled.service, problem));
    }
    const call = new PooledCall(this.pooled, timeout);
    return call.start({ host, port, path, method, headers }, requestData);
  }
}
