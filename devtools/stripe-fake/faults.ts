/**
 * Runtime faults of the Stripe fake, switched through `PUT /__control/faults`
 * or `setFaults()`: pure validation and the decision what a fault does to one
 * request. server.ts carries the decisions out.
 *
 * Modes (each hits requests of `endpoint`, `count` times, then turns itself off):
 * - `error-before`: 500 api_error before anything executes; nothing is saved
 *   for the key and `Stripe-Should-Retry: true` says a retry may succeed.
 * - `error-after`: the request executes (money may move), then 500 api_error,
 *   saved for the key like Stripe saves its 500s (`Stripe-Should-Retry: false`).
 * - `rate-limit`: 429 rate_limit before executing, with `Stripe-Should-Retry`
 *   (`shouldRetry`, default true) and `Retry-After` when `retryAfterSec` is set.
 * - `hang`: the request is read and never answered; nothing executes.
 * - `commit-then-hang`: the request executes and its result is saved for the
 *   key, but the answer never leaves.
 * - `key-in-use`: 409 idempotency_key_in_use before executing, what Stripe
 *   answers while another request with the same key is still running (another
 *   instance's, or an earlier attempt's); nothing is saved for the key.
 * `latencyMs` delays every matching request while it executes (its key is in flight), in any mode.
 */

/** Every fault mode. */
export const FAULT_MODES = [
  'none',
  'error-before',
  'error-after',
  'rate-limit',
  'hang',
  'commit-then-hang',
  'key-in-use',
] as const;
/** One fault mode. */
export type FaultMode = (typeof FAULT_MODES)[number];

/** The API endpoints a fault can target (`create`...`cancel`: PaymentIntents'; `refund_*`: Refunds'). */
export const ENDPOINTS = [
  'create',
  'confirm',
  'retrieve',
  'cancel',
  'balance',
  'refund_create',
  'refund_retrieve',
  'refund_list',
  'any',
] as const;
/** An endpoint of the fake's Stripe API, or `any`. */
export type FaultEndpoint = (typeof ENDPOINTS)[number];
/** The endpoint a request hit (`other` for unknown paths). */
export type Endpoint = Exclude<FaultEndpoint, 'any'> | 'other';

/** The fault configuration. */
export type FaultConfig = {
  mode: FaultMode;
  /** Which requests the fault hits; default `any`. */
  endpoint?: FaultEndpoint;
  /** How many matching requests it hits before switching to `none`; absent: all. */
  count?: number;
  /** Added while a matching request executes, in any mode. */
  latencyMs?: number;
  /** `rate-limit`: seconds in `Retry-After`; absent: no header. */
  retryAfterSec?: number;
  /** `rate-limit`: the `Stripe-Should-Retry` header; default true. */
  shouldRetry?: boolean;
};

/** Thrown for an invalid configuration; `code` is stable. */
export class FaultConfigError extends Error {
  readonly code = 'INVALID_FAULT_CONFIG';
}

const LIMITS = { count: 1_000_000, latencyMs: 600_000, retryAfterSec: 86_400 } as const;

/** Validates an untrusted value (a parsed JSON body) and returns a clean copy. */
export function parseFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultConfigError('The fault config must be a JSON object such as {"mode":"none"}.');
  }
  const r = input as Record<string, unknown>;
  const known = ['mode', 'endpoint', 'shouldRetry', ...Object.keys(LIMITS)];
  const unknown = Object.keys(r).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new FaultConfigError(`Unknown field(s) ${unknown.join(', ')}; allowed: ${known.join(', ')}.`);
  if (!FAULT_MODES.includes(r.mode as FaultMode))
    throw new FaultConfigError(`"mode" must be one of ${FAULT_MODES.join(', ')}.`);
  const config: FaultConfig = { mode: r.mode as FaultMode };
  if (r.endpoint !== undefined) {
    if (!ENDPOINTS.includes(r.endpoint as FaultEndpoint))
      throw new FaultConfigError(`"endpoint" must be one of ${ENDPOINTS.join(', ')}.`);
    config.endpoint = r.endpoint as FaultEndpoint;
  }
  if (r.shouldRetry !== undefined) {
    if (typeof r.shouldRetry !== 'boolean') throw new FaultConfigError('"shouldRetry" must be true or false.');
    config.shouldRetry = r.shouldRetry;
  }
  for (const field of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const value = r[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > LIMITS[field]) {
      throw new FaultConfigError(`"${field}" must be a whole number from 0 to ${LIMITS[field]}.`);
    }
    config[field] = value;
  }
  return config;
}

/** The configuration after start-up and reset. */
export const noFaults = (): FaultConfig => ({ mode: 'none' });

/** What the fault does to one request. */
export type FaultPlan = {
  /** Before executing: answer this instead (no key saved), or never answer. */
  before:
    | { kind: 'proceed' }
    | { kind: 'hang' }
    | { kind: 'reply'; status: number; error: ErrorSpec; headers: Record<string, string> };
  /** After executing: replace the answer with a saved 500, or save and never answer. */
  after: 'send' | 'error' | 'hang';
  latencyMs: number;
};

/** An error body the server builds. */
export type ErrorSpec = { type: 'api_error' | 'invalid_request_error'; code?: string; message: string };

/**
 * The faults' state: the configuration and how many requests it may still hit.
 */
export class Faults {
  private config: FaultConfig = noFaults();

  get(): FaultConfig {
    return { ...this.config };
  }

  set(next: unknown): FaultConfig {
    this.config = parseFaultConfig(next);
    return this.get();
  }

  /** The plan for one request to `endpoint`; consumes one of `count` when the fault hits it. */
  planFor(endpoint: Endpoint): FaultPlan {
    const c = this.config;
    const proceed: FaultPlan = { before: { kind: 'proceed' }, after: 'send', latencyMs: 0 };
    if (endpoint === 'other' || ((c.endpoint ?? 'any') !== 'any' && c.endpoint !== endpoint)) return proceed;
    const latencyMs = c.latencyMs ?? 0;
    if (c.mode === 'none') return { ...proceed, latencyMs };
    if (c.count !== undefined) {
      c.count -= 1;
      if (c.count <= 0) this.config = { mode: 'none', ...(c.latencyMs ? { latencyMs: c.latencyMs } : {}) };
    }
    switch (c.mode) {
      case 'error-before':
        return {
          before: {
            kind: 'reply',
            status: 500,
            error: { type: 'api_error', message: 'Simulated Stripe error before the request executed.' },
            headers: { 'Stripe-Should-Retry': 'true' },
          },
          after: 'send',
          latencyMs,
        };
      case 'rate-limit': {
        const headers: Record<string, string> = { 'Stripe-Should-Retry': String(c.shouldRetry ?? true) };
        if (c.retryAfterSec !== undefined) headers['Retry-After'] = String(c.retryAfterSec);
        const error: ErrorSpec = {
          type: 'invalid_request_error',
          code: 'rate_limit',
          message: 'Too many requests hit the API too quickly.',
        };
        return { before: { kind: 'reply', status: 429, error, headers }, after: 'send', latencyMs };
      }
      case 'key-in-use': {
        const error: ErrorSpec = {
          type: 'invalid_request_error',
          code: 'idempotency_key_in_use',
          message:
            'There is currently another in-progress request using this Idempotency-Key; retry this request later.',
        };
        return { before: { kind: 'reply', status: 409, error, headers: {} }, after: 'send', latencyMs };
      }
      case 'hang':
        return { before: { kind: 'hang' }, after: 'send', latencyMs };
      case 'error-after':
        return { before: { kind: 'proceed' }, after: 'error', latencyMs };
      case 'commit-then-hang':
        return { before: { kind: 'proceed' }, after: 'hang', latencyMs };
    }
  }
}
