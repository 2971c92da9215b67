/**
 * The plumbing of a dev server's control API under /__control/: which paths
 * belong to it, and answering with CORS headers (the admin SPA runs on another
 * origin), preflights included. What each route does is the server's own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from './http.ts';
import type { Reply } from './http.ts';

/** Sent with every control answer. */
export const CONTROL_CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, PUT, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
} as const;

/** True for paths of the control API. */
export const isControlPath = (path: string): boolean => path === '/__control' || path.startsWith('/__control/');

/** Answers a control request: a CORS preflight at once, anything else with `route`'s reply plus the CORS headers. */
export async function answerControl(res: ServerResponse, method: string, route: () => Promise<Reply>): Promise<void> {
  if (method === 'OPTIONS') {
    res.writeHead(204, CONTROL_CORS_HEADERS).end();
    return;
  }
  const reply = await route();
  send(res, { ...reply, headers: { ...reply.headers, ...CONTROL_CORS_HEADERS } });
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
    answerControl(res, method, () => routes(target, req, method, path));
}
