/**
 * JSON over node:http for the payment provider simulator: the provider's error
 * body (`{ error: { code, message } }`, see docs/payment-provider.md) and body
 * reading with a size limit; replies and headers as every dev server sends them.
 */
import type { IncomingMessage } from 'node:http';
import type { Reply } from '../shared/http.ts';

export { header, send } from '../shared/http.ts';
export type { Reply } from '../shared/http.ts';

const MAX_BODY_BYTES = 64 * 1024;

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
