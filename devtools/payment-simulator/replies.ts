/**
 * JSON over node:http for the payment provider simulator: the reply shape,
 * the provider's error body (`{ error: { code, message } }`, see
 * docs/payment-provider.md), body reading with a size limit, and headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer not yet sent: status, JSON body, extra headers. */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const MAX_BODY_BYTES = 64 * 1024;

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

/** The provider's error body. */
export type ErrorBody = { error: { code: string; message: string } };

/** An error reply in the provider's error format. */
export function error(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  const body: ErrorBody = { error: { code, message } };
  return { status, body, headers };
}

/** Reads and parses a JSON body, or gives the error reply when it is too large or not JSON. */
export async function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; reply: Reply }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      return { ok: false, reply: error(413, 'PAYLOAD_TOO_LARGE', `Body exceeds ${MAX_BODY_BYTES} bytes.`) };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, reply: error(400, 'INVALID_JSON', 'The body is not valid JSON; send a JSON object.') };
  }
}

/** The first value of a request header, if sent. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
