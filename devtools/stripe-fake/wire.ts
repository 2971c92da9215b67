/**
 * The Stripe fake's wire format: form-encoded request bodies with Stripe's
 * bracket notation (`metadata[uid]=u1`, `payment_method_types[]=card`), the
 * request fingerprint idempotency compares, Stripe's error body, and body
 * reading with a size limit. JSON answers go out through the dev servers'
 * shared `send` (shared/http.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Reply } from '../shared/http.ts';

export { header, send } from '../shared/http.ts';
export type { Reply } from '../shared/http.ts';

/** A decoded form value: a string, a list (`a[]=`) or a nested object (`a[b]=`). */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
/** A decoded form body. */
export type Form = { [key: string]: FormValue };

/** Thrown for a body the fake cannot decode; becomes a 400 invalid_request_error. */
export class FormError extends Error {}

const MAX_BODY_BYTES = 64 * 1024;

/** Reads the raw body; null when it exceeds the limit. */
export async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The decoded `name=value` pairs of a form body, in order. */
export function formPairs(body: string): [string, string][] {
  return [...new URLSearchParams(body)];
}

/**
 * Decodes Stripe's bracket notation into nested objects and lists:
 * `a[b][c]=1` -> `{ a: { b: { c: '1' } } }`, `a[]=x&a[]=y` -> `{ a: ['x', 'y'] }`.
 * @throws FormError when one name is used both as a value and as an object.
 */
export function parseForm(body: string): Form {
  const root: Form = {};
  for (const [name, value] of formPairs(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    if (!match) throw new FormError(`Invalid parameter name: ${name}`);
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: Form | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = i === path.length - 1;
      if (Array.isArray(node)) {
        if (key !== '' || !last) throw new FormError(`Unsupported list parameter: ${name}`);
        node.push(value);
        break;
      }
      if (last) {
        if (node[key] !== undefined) throw new FormError(`Parameter given twice: ${name}`);
        node[key] = value;
        break;
      }
      const listNext = path[i + 1] === '';
      const existing: FormValue = node[key] ?? (listNext ? [] : {});
      if (typeof existing === 'string' || Array.isArray(existing) !== listNext) {
        throw new FormError(`Parameter ${key} is used with two shapes`);
      }
      node[key] = existing;
      node = existing;
    }
  }
  return root;
}

/**
 * What idempotency compares between two requests with one key: the method, the
 * path and the sorted decoded parameters (so the order of fields does not matter).
 */
export function fingerprint(method: string, path: string, body: string): string {
  const pairs = formPairs(body)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return `${method} ${path}\n${pairs.join('&')}`;
}

/** Stripe's error object (the subset the fake sends). */
export type StripeErrorObject = {
  type: 'card_error' | 'invalid_request_error' | 'api_error' | 'idempotency_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  charge?: string;
  payment_intent?: unknown;
};

/** An error reply in Stripe's shape `{ error: { type, code, decline_code, message, ... } }`. */
export function stripeError(status: number, error: StripeErrorObject, headers?: Record<string, string>): Reply {
  return { status, body: { error }, headers };
}

/** A 400 invalid_request_error. */
export function invalidRequest(message: string, code?: string, param?: string): Reply {
  return stripeError(400, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code } : {}),
    ...(param ? { param } : {}),
  });
}
