/**
 * The plumbing of a dev server's control API under /__control/: which paths
 * belong to it, and answering with CORS headers (the admin SPA runs on another
 * origin), preflights included. What each route does is the server's own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from './http.ts';
import type { Reply } from './http.ts';

/** Ports the admin SPA is served from in development: the Hosting emulator (firebase.json) and `vite dev`. */
const SPA_DEV_PORTS = [5002, 5173];
/** Host names that reach only this machine. */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The only origins a browser page may drive a control API from: the SPA's
 * development origins. Any other page (a site the developer happens to visit)
 * is refused, not answered with `*`.
 */
export const CONTROL_ORIGINS: ReadonlySet<string> = new Set(
  LOOPBACK_HOSTS.flatMap((host) => SPA_DEV_PORTS.map((port) => `http://${host}:${port}`)),
);

/** Sent with every control answer (with `Access-Control-Allow-Origin` for an allowed origin). */
export const CONTROL_CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, PUT, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
  Vary: 'Origin',
} as const;

/** True for paths of the control API. */
export const isControlPath = (path: string): boolean => path === '/__control' || path.startsWith('/__control/');

/** True when a `Host` header names a loopback host (any port): a DNS-rebinding page sends its own name. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_HOSTS.includes(name);
}

/**
 * Why a control request is refused, or null: a `Host` that is not loopback
 * (DNS rebinding) or an `Origin` outside {@link CONTROL_ORIGINS}. A request
 * without `Origin` (tests, the bench, curl) is not a cross-origin browser call.
 */
export function controlRefusal(headers: IncomingMessage['headers']): string | null {
  if (!isLoopbackHostHeader(headers.host)) return 'Host must be a loopback name (127.0.0.1, localhost, [::1])';
  const origin = headers.origin;
  if (origin !== undefined && !CONTROL_ORIGINS.has(origin))
    return 'Origin is not a development origin of the admin SPA';
  return null;
}

/**
 * Answers a control request: refused (403, without CORS headers, nothing
 * routed) per {@link controlRefusal}; a CORS preflight at once; anything else
 * with `route`'s reply plus the CORS headers for the request's origin.
 */
export async function answerControl(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  route: () => Promise<Reply>,
): Promise<void> {
  const refusal = controlRefusal(req.headers);
  if (refusal) {
    send(res, { status: 403, body: { error: { code: 'forbidden', message: refusal } } });
    return;
  }
  const cors = {
    ...CONTROL_CORS_HEADERS,
    ...(req.headers.origin ? { 'Access-Control-Allow-Origin': req.headers.origin } : {}),
  };
  if (method === 'OPTIONS') {
    res.writeHead(204, cors).end();
    return;
  }
  const reply = await route();
  send(res, { ...reply, headers: { ...reply.headers, ...cors } });
}

/** A server's control routes: the reply to one request, given what the routes read and change. */
export type ControlRoutes<Target> = (
  target: Target,
  req: IncomingMessage,
  method: string,
  path: string,
) => Promise<Reply>;

/** The request handler of a server's control API: its `routes`, answered by {@link answerControl}. */
export function controlHandler<Target>(routes: ControlRoutes<Target>) {
  return (target: Target, req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> =>
    answerControl(req, res, method, () => routes(target, req, method, path));
}
