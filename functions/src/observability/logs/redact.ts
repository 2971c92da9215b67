/**
 * Redaction applied to every structured event before it reaches any sink
 * (Cloud Logging, CloudWatch, test sinks). It removes:
 * - values under keys that look secret (apiKey, authorization, token, password, cardNumber...),
 * - `Bearer`/`Basic` credentials and JWT-looking strings inside free text,
 * - card numbers (PANs) in free text: 13-19 digits, optionally grouped by single
 *   spaces/dashes, that pass the Luhn check,
 * - any occurrence of a secret value registered at runtime (`registerSecret`).
 *
 * `transactionId` and `instanceId` are never redacted: they are correlation keys
 * across logs, and a random UUID's digit-only groups can pass the Luhn check.
 */

/** Replacement for a removed secret value. */
export const REDACTED = '[REDACTED]';
/** Replacement for a card number found in free text. */
export const REDACTED_PAN = '[REDACTED_PAN]';

/** Keys whose value is always kept verbatim. */
const NEVER_REDACTED_KEYS: ReadonlySet<string> = new Set(['transactionId', 'instanceId']);

/**
 * Key names are normalised (lower case, `_`/`-`/spaces removed) and then matched:
 * `CONTAINS` anywhere (PAYMENT_API_KEY -> "paymentapikey" contains "apikey"),
 * `SUFFIX` at the end only ("idToken" yes, "tokenCount" no), `EXACT` whole key.
 */
const SECRET_KEY_CONTAINS = [
  'apikey',
  'authorization',
  'password',
  'passwd',
  'secret',
  'cardnumber',
  'privatekey',
  'accesskey',
  'sessionkey',
  'credential',
  'cookie',
] as const;
const SECRET_KEY_SUFFIX = ['token'] as const;
const SECRET_KEY_EXACT: ReadonlySet<string> = new Set(['pan', 'cvv', 'cvc', 'pin', 'auth']);

/** Objects nested deeper than this are replaced (guards against huge or hostile payloads). */
const MAX_DEPTH = 12;
/** Registered secrets shorter than this are ignored: masking them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 4;

const BEARER_RE = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
/** A JWT header is base64url JSON, so it always starts with "eyJ" (`{"`); this avoids matching host names. */
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** Maximal digit runs whose groups are separated by one space or dash. */
const DIGIT_RUN_RE = /(?<!\d)\d+(?:[ -]\d+)*(?!\d)/g;

const registeredSecrets = new Set<string>();

/** Masks every later occurrence of `value` (e.g. the loaded PAYMENT_API_KEY) in all events. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  if (trimmed.length >= MIN_SECRET_LENGTH) registeredSecrets.add(trimmed);
}

/** Stops masking `value` (a replaced temporary credential), so the set stays small on long-lived instances. */
export function forgetSecret(value: string | undefined | null): void {
  if (typeof value === 'string') registeredSecrets.delete(value.trim());
}

/** Forgets all registered secrets (tests). */
export function clearRegisteredSecrets(): void {
  registeredSecrets.clear();
}

/** True when the key name looks like it holds a secret. */
export function isSecretKey(key: string): boolean {
  if (NEVER_REDACTED_KEYS.has(key)) return false;
  const k = key.toLowerCase().replace(/[\s_-]/g, '');
  if (SECRET_KEY_EXACT.has(k)) return true;
  if (SECRET_KEY_SUFFIX.some((s) => k.endsWith(s))) return true;
  return SECRET_KEY_CONTAINS.some((s) => k.includes(s));
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Replaces card numbers inside one digit run. The run is split into its groups
 * ("4111 1111 1111 1111 12" -> 5 groups) and the longest span of whole groups
 * holding 13-19 digits that passes Luhn is masked, scanning left to right, so a
 * PAN followed by another number is still caught.
 */
function maskPansInRun(run: string): string {
  const parts = run.split(/([ -])/); // groups at even indexes, separators at odd
  const groups = parts.filter((_, i) => i % 2 === 0);
  const out: string[] = [];
  let i = 0;
  while (i < groups.length) {
    let matchedEnd = -1;
    let digits = '';
    const spans: string[] = [];
    for (let j = i; j < groups.length; j++) {
      digits += groups[j]!;
      spans.push(digits);
      if (digits.length > 19) break;
    }
    for (let j = spans.length - 1; j >= 0; j--) {
      const d = spans[j]!;
      if (d.length >= 13 && d.length <= 19 && luhnValid(d)) {
        matchedEnd = i + j;
        break;
      }
    }
    if (matchedEnd >= 0) {
      out.push(REDACTED_PAN);
      i = matchedEnd + 1;
    } else {
      out.push(groups[i]!);
      i++;
    }
    if (i < groups.length) out.push(parts[2 * i - 1]!);
  }
  return out.join('');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Redacts secrets inside free text (credentials, JWTs, PANs, registered secrets). */
export function redactString(text: string): string {
  let out = text;
  for (const secret of registeredSecrets) {
    if (out.includes(secret)) out = out.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
  }
  out = out.replace(BEARER_RE, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(JWT_RE, REDACTED);
  out = out.replace(DIGIT_RUN_RE, (run) => {
    const digitCount = run.length - (run.match(/[ -]/g)?.length ?? 0);
    return digitCount >= 13 ? maskPansInRun(run) : run;
  });
  return out;
}

/** The redacted form of an Error: only what a person needs, never its stack or cause. */
export interface RedactedError {
  name: string;
  code?: string;
  message: string;
}

function redactError(err: Error): RedactedError {
  const code = (err as { code?: unknown }).code;
  const out: RedactedError = { name: err.name, message: redactString(err.message) };
  if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
  return out;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    return value;
  }
  if (value instanceof Error) return redactError(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[Binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen) ?? null);
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [rawKey, v] of entries) {
      const key = String(rawKey);
      if (NEVER_REDACTED_KEYS.has(key) && (v === null || typeof v !== 'object')) {
        out[key] = v;
      } else if (isSecretKey(key)) {
        out[key] = v === undefined || v === null || v === '' ? v : REDACTED;
      } else {
        const r = redactValue(v, depth + 1, seen);
        if (r !== undefined) out[key] = r;
      }
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Returns a redacted deep copy of `value` (the input is never mutated). Output is
 * JSON-safe: Errors become {name, code, message}, Dates ISO strings, bigints
 * strings, functions are dropped, cycles become "[Circular]".
 */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

/** Redacts a structured event (a plain record); the result is a new record. */
export function redactEvent(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // Already redacted and frozen to its leaves (frozenRedaction): a second pass would give an equal copy.
  if (frozenRedactions.has(event)) return event;
  return redactValue(event, 0, new WeakSet()) as Record<string, unknown>;
}

/** Results of redactEvent frozen by frozenRedaction: nothing can have been added to them since. */
const frozenRedactions = new WeakSet<object>();

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * `redactEvent(event)` frozen to its leaves, so a later `redactEvent` of it
 * (the CloudWatch shipper's, for the logger's own entries) returns it as it is
 * instead of walking and copying it again: it cannot have changed since.
 */
export function frozenRedaction(event: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const out = redactEvent(event);
  deepFreeze(out);
  frozenRedactions.add(out);
  return out;
}
