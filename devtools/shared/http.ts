/**
 * JSON replies over node:http, shared by the dev servers: the reply shape,
 * sending it, and reading a request header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/** An answer not yet sent: status, JSON body, extra headers. */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** Sends `reply` as JSON, unless the response is already gone or started. */
export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

/** The first value of a request header, if sent. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A decoded path segment; a malformed %-escape decodes to '' (no stored id is empty). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

/**
 * Binds `server` (port 0 picks a free one; host defaults to 127.0.0.1) and
 * resolves with the port bound and the host as written in a URL (IPv6 in brackets).
 */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<{ port: number; host: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(port, host, () => resolve(void server.off('error', reject)));
  });
  const { port: bound, address } = server.address() as AddressInfo;
  return { port: bound, host: address.includes(':') ? `[${address}]` : address };
}
