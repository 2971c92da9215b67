/**
 * Fault injection of the payment provider simulator: the modes, their defaults,
 * the validation applied to `PUT /__control/faults` and `setFaults()`, and the
 * decision what the configured fault does to one request. Pure functions;
 * server.ts carries the decisions out on sockets, ledger.ts keeps the commits.
 */

/** Every fault mode the simulator understands. */
export const FAULT_MODES = {
  none: 'none',
  latency: 'latency',
  errors: 'errors',
  outage: 'outage',
  rateLimit: 'rate-limit',
  reset: 'reset',
  hang: 'hang',
  commitThenTimeout: 'commit-then-timeout',
  lateCommit: 'late-commit',
  acceptedThenCommit: 'accepted-then-commit',
  lostResponse: 'lost-response',
} as const;

/** One of the fault mode strings, e.g. `'rate-limit'`. */
export type FaultMode = (typeof FAULT_MODES)[keyof typeof FAULT_MODES];

/** The fault configuration as set through the control API (fields absent fall back to FAULT_DEFAULTS). */
export type FaultConfig = {
  /** Which failure the provider API shows. */
  mode: FaultMode;
  /** Delay added before answering every provider request, in any mode. */
  latencyMs?: number;
  /**
   * Any mode: further delay per request the provider is already working on
   * when one arrives (an overloaded provider: the more it is sent at once, the
   * slower each answer). Work on a request goes on after its client gave up.
   */
  loadLatencyMs?: number;
  /** Mode `errors`: fraction (0..1) of `POST /charge` answered 500/503 without charging. */
  errorRate?: number;
  /** Mode `rate-limit`: seconds sent in the `Retry-After` header of the 429. */
  retryAfterSec?: number;
  /**
   * Mode `commit-then-timeout`: how long the answer is held after the charge is recorded.
   * Modes `late-commit`, `accepted-then-commit`: how long after the request arrived the charge commits.
   */
  commitDelayMs?: number;
  /** Any mode: how long an idempotency key is remembered after its charge was recorded; absent: forever. */
  keyTtlMs?: number;
  /**
   * Any mode: what lookups (`GET /charge/<id>`) get instead of the provider's
   * answer. `gateway-404`: a 404 HTML page without the contract's error body,
   * as from a proxy or gateway that lost the route (it proves nothing about
   * the charge).
   */
  lookupFault?: LookupFault;
  /**
   * Any mode: the status new refunds are recorded with instead of `succeeded`.
   * `pending`: the provider settles them later, through the control API
   * (`POST /__control/refunds/settle`), as a bank that takes days would.
   */
  refundStatus?: RefundStatusFault;
};

/** The lookup faults (FaultConfig.lookupFault). */
export const LOOKUP_FAULTS = ['gateway-404'] as const;
/** One of {@link LOOKUP_FAULTS}. */
export type LookupFault = (typeof LOOKUP_FAULTS)[number];

/** The statuses new refunds can be made to take (FaultConfig.refundStatus). */
export const REFUND_STATUS_FAULTS = ['pending'] as const;
/** One of {@link REFUND_STATUS_FAULTS}. */
export type RefundStatusFault = (typeof REFUND_STATUS_FAULTS)[number];

/** Values used when a field of FaultConfig is absent. */
export const FAULT_DEFAULTS = {
  latencyMs: 0,
  loadLatencyMs: 0,
  errorRate: 0.5,
  retryAfterSec: 1,
  commitDelayMs: 15_000,
  /** Keys are never forgotten unless a retention is set. */
  keyTtlMs: Number.POSITIVE_INFINITY,
} as const;

/** Upper bounds that keep a typo from hanging a dev machine for hours. */
const LIMITS = {
  latencyMs: 600_000,
  loadLatencyMs: 60_000,
  errorRate: 1,
  retryAfterSec: 86_400,
  commitDelayMs: 600_000,
  // A week: longer than any provider's retention worth simulating.
  keyTtlMs: 604_800_000,
} as const;

/** The fields that take one word of a list. */
const WORDS = { lookupFault: LOOKUP_FAULTS, refundStatus: REFUND_STATUS_FAULTS } as const;
const WORD_FIELDS = Object.keys(WORDS) as (keyof typeof WORDS)[];

type NumericField = keyof typeof LIMITS;
const NUMERIC_FIELDS = Object.keys(LIMITS) as NumericField[];
const MODE_VALUES: readonly string[] = Object.values(FAULT_MODES);

/** Thrown by `setFaults()` when the configuration is not valid; `code` is stable. */
export class FaultConfigError extends Error {
  /** Always `INVALID_FAULT_CONFIG`. */
  readonly code = 'INVALID_FAULT_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'FaultConfigError';
  }
}

/** The configuration in force after start-up and after a reset. */
export function noFaults(): FaultConfig {
  return { mode: FAULT_MODES.none };
}

/**
 * Checks an untrusted value (a parsed JSON body) and returns a clean copy.
 * Unknown fields are rejected so a misspelt `errorrate` is not silently ignored.
 * @throws FaultConfigError naming the offending field.
 */
export function parseFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultConfigError('The fault config must be a JSON object such as {"mode":"none"}.');
  }
  const record = input as Record<string, unknown>;
  const known = new Set<string>(['mode', ...WORD_FIELDS, ...NUMERIC_FIELDS]);
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    const allowed = ['mode', ...WORD_FIELDS, ...NUMERIC_FIELDS].join(', ');
    throw new FaultConfigError(`Unknown field(s) ${unknown.join(', ')}; allowed: ${allowed}.`);
  }
  const mode = record.mode;
  if (typeof mode !== 'string' || !MODE_VALUES.includes(mode)) {
    throw new FaultConfigError(`"mode" must be one of ${MODE_VALUES.join(', ')}.`);
  }
  const config: FaultConfig = { mode: mode as FaultMode };
  for (const field of WORD_FIELDS) {
    const value = record[field];
    if (value === undefined) continue;
    const allowed: readonly string[] = WORDS[field];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw new FaultConfigError(`"${field}" must be one of ${allowed.join(', ')}.`);
    }
    Object.assign(config, { [field]: value });
  }
  for (const field of NUMERIC_FIELDS) {
    const value = record[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > LIMITS[field]) {
      throw new FaultConfigError(`"${field}" must be a number from 0 to ${LIMITS[field]}.`);
    }
    config[field] = value;
  }
  return config;
}

/** Provider endpoint a request hits, used for fault decisions and stats. */
export type Endpoint = 'charge' | 'lookup' | 'refund' | 'refundLookup' | 'health' | 'other';

/** What the fault does to a request: carry on, never answer, reset the socket, or answer with an error. */
export type FaultAction =
  | { kind: 'proceed' }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'reply'; status: number; code: string; message: string; headers?: Record<string, string> };

const PROCEED: FaultAction = { kind: 'proceed' };

/** Delay added before answering any provider request, when `working` others are being worked on. */
export function latencyFor(config: FaultConfig, working = 0): number {
  return (
    (config.latencyMs ?? FAULT_DEFAULTS.latencyMs) + working * (config.loadLatencyMs ?? FAULT_DEFAULTS.loadLatencyMs)
  );
}

/** Faults that hit every provider endpoint before authentication: a hang or an outage. */
export function faultBeforeAuth(config: FaultConfig): FaultAction {
  if (config.mode === FAULT_MODES.hang) return { kind: 'hang' };
  if (config.mode === FAULT_MODES.outage) {
    return {
      kind: 'reply',
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'Simulated outage; nothing was charged.',
    };
  }
  return PROCEED;
}

/** Faults that hit an authenticated `POST /charge` before anything is charged. */
export function faultOnCharge(config: FaultConfig, random: () => number = Math.random): FaultAction {
  return faultOnMoney(config, random, 'charged');
}

/** Faults that hit an authenticated `POST /refund` before anything is refunded: the same as a charge's. */
export function faultOnRefund(config: FaultConfig, random: () => number = Math.random): FaultAction {
  return faultOnMoney(config, random, 'refunded');
}

/** Reset, rate limit and errors, before a request moves money; `moved` names what did not happen. */
function faultOnMoney(config: FaultConfig, random: () => number, moved: 'charged' | 'refunded'): FaultAction {
  if (config.mode === FAULT_MODES.reset) return { kind: 'reset' };
  if (config.mode === FAULT_MODES.rateLimit) {
    // Retry-After takes whole seconds.
    const seconds = String(Math.ceil(config.retryAfterSec ?? FAULT_DEFAULTS.retryAfterSec));
    return {
      kind: 'reply',
      status: 429,
      code: 'RATE_LIMITED',
      message: `Too many requests; retry after ${seconds} s.`,
      headers: { 'Retry-After': seconds },
    };
  }
  if (config.mode === FAULT_MODES.errors && random() < (config.errorRate ?? FAULT_DEFAULTS.errorRate)) {
    return random() < 0.5
      ? {
          kind: 'reply',
          status: 500,
          code: 'INTERNAL_ERROR',
          message: `Simulated provider error; nothing was ${moved}.`,
        }
      : {
          kind: 'reply',
          status: 503,
          code: 'SERVICE_UNAVAILABLE',
          message: `Simulated provider overload; nothing was ${moved}.`,
        };
  }
  return PROCEED;
}

/**
 * What happens to a valid `POST /charge` once it reaches the ledger:
 * - `now`: charged (or replayed) at once; the answer is sent after `holdMs`
 *   (commit-then-timeout), or the connection is reset instead (`reset`: lost-response).
 * - `later`: a new key commits `delayMs` after arrival; meanwhile the request is
 *   never answered (`hang`: late-commit) or answered 202 at once (`accepted`).
 */
export type ChargePlan =
  | { commit: 'now'; answer: 'send'; holdMs: number }
  | { commit: 'now'; answer: 'reset' }
  | { commit: 'later'; delayMs: number; answer: 'hang' | 'accepted' };

/** The charge plan of the configured mode. */
export function chargePlanFor(config: FaultConfig): ChargePlan {
  const delayMs = config.commitDelayMs ?? FAULT_DEFAULTS.commitDelayMs;
  switch (config.mode) {
    case FAULT_MODES.commitThenTimeout:
      return { commit: 'now', answer: 'send', holdMs: delayMs };
    case FAULT_MODES.lostResponse:
      return { commit: 'now', answer: 'reset' };
    case FAULT_MODES.lateCommit:
      return { commit: 'later', delayMs, answer: 'hang' };
    case FAULT_MODES.acceptedThenCommit:
      return { commit: 'later', delayMs, answer: 'accepted' };
    default:
      return { commit: 'now', answer: 'send', holdMs: 0 };
  }
}

/** How long the provider remembers an idempotency key after recording its charge (any mode). */
export function keyTtlFor(config: FaultConfig): number {
  return config.keyTtlMs ?? FAULT_DEFAULTS.keyTtlMs;
}
