import { onRequest, type HttpsOptions, type Request } from 'firebase-functions/v2/https';
import type { Runtime } from '../app/runtime.js';
import { appLifecycle, withLifecycle, type CallControl, type Lifecycle } from './lifecycle.js';

/** What an HTTP function answers: status, headers and a JSON body. */
export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** An HTTP function's work: the request in, the reply out. */
export type HttpWork<R = Runtime> = (req: Request, rt: R, call: CallControl) => Promise<HttpReply>;

/** The parts of Express' response the helper writes. */
export interface HttpResponse {
  status(code: number): HttpResponse;
  set(headers: Record<string, string>): HttpResponse;
  json(body: unknown): unknown;
}

/**
 * The handler onRequest runs: the work inside the shared lifecycle
 * (lifecycle.ts), then the reply. The end-of-call work runs before answering
 * (CPU is throttled after the response) and also when the work throws; the
 * error then reaches firebase-functions, which answers 500.
 */
export function httpHandler<R>(work: HttpWork<R>, lifecycle: Lifecycle<R>) {
  return async (req: Request, res: HttpResponse): Promise<void> => {
    const reply = await withLifecycle(lifecycle, (rt, call) => work(req, rt, call));
    res
      .status(reply.status)
      .set(reply.headers ?? {})
      .json(reply.body);
  };
}

/** Defines a 2nd-gen HTTP function whose calls share the lifecycle of every function. */
export function defineHttpFunction(options: HttpsOptions, work: HttpWork) {
  return onRequest(options, httpHandler(work, appLifecycle));
}
