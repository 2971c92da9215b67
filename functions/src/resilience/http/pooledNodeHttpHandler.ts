/**
 * The AWS SDK's Node request handler on a pool's agent: an SDK v3 client built
 * with `requestHandler: new PooledNodeHttpHandler(pool.registerAgent(...))`
 * sends every request over the service's measured keep-alive sockets and
 * reports each one (outcome and duration) into the pool's stats.
 */
import https from 'node:https';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { HttpPoolConfigError } from './httpPoolErrors.js';
import { REQUEST_OUTCOME, isFailureStatus, type RequestOutcome } from './httpPoolStats.js';
import type { PooledAgent } from './pooledAgent.js';

type Request = Parameters<NodeHttpHandler['handle']>[0];
type HandlerOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;
type Handled = Awaited<ReturnType<NodeHttpHandler['handle']>>;

/** Timeouts of the handler itself; the agents are the pool's. */
export type PooledHandlerOptions = Omit<NodeHttpHandlerOptions, 'httpAgent' | 'httpsAgent'>;

/** Error codes the SDK's handler renames to TimeoutError although the connection broke (no deadline passed). */
const BROKEN_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

/**
 * How a rejected SDK request ended, in the pool's terms (as `makeRequest`
 * counts them): a deadline (an abort whose reason is a TimeoutError, such as
 * `AbortSignal.timeout`'s, or the handler's own timeouts) is a timeout; any
 * other abort is the caller's and not a failure; the rest are connection errors.
 */
export function sdkRequestOutcome(err: unknown, signal: HandlerOptions['abortSignal']): RequestOutcome {
  const abortSignal = signal as AbortSignal | undefined;
  if (abortSignal?.aborted) {
    const reason = abortSignal.reason as { name?: unknown } | undefined;
    return reason?.name === 'TimeoutError' ? REQUEST_OUTCOME.timeout : REQUEST_OUTCOME.aborted;
  }
  const e = err as { name?: unknown; code?: unknown } | null;
  if (e?.name === 'AbortError') return REQUEST_OUTCOME.aborted;
  if (e?.name === 'TimeoutError' && !BROKEN_CONNECTION.has(String(e.code))) return REQUEST_OUTCOME.timeout;
  return REQUEST_OUTCOME.connection;
}

/**
 * `NodeHttpHandler` whose agent is the pool's and whose requests are counted
 * there. A request's duration runs from `handle` (queue wait for a socket
 * included) to its response headers; the SDK reads the small body after that.
 */
export class PooledNodeHttpHandler extends NodeHttpHandler {
  constructor(
    private readonly pooled: PooledAgent,
    options: PooledHandlerOptions = {},
  ) {
    super({
      ...options,
      httpAgent: pooled.agent,
      ...(pooled.agent instanceof https.Agent ? { httpsAgent: pooled.agent } : {}),
    });
  }

  override async handle(request: Request, options: HandlerOptions = {}): Promise<Handled> {
    // A request of the other protocol would go out on the SDK's default agent, unmeasured.
    if (request.protocol !== this.pooled.protocol) {
      throw new HttpPoolConfigError(
        this.pooled.service,
        `the client sent a ${request.protocol} request but the pool's agent speaks ${this.pooled.protocol}`,
      );
    }
    const ended = this.pooled.requestStarted();
    try {
      const handled = await super.handle(request, options);
      ended(isFailureStatus(handled.response.statusCode) ? REQUEST_OUTCOME.failedStatus : REQUEST_OUTCOME.ok);
      return handled;
    } catch (err) {
      ended(sdkRequestOutcome(err, options.abortSignal));
      throw err;
    }
  }

  /** Leaves the agent open: it belongs to the pool (`HttpPoolManager.destroy` closes it). */
  override destroy(): void {}
}
