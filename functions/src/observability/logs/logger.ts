/**
 * Structured logging: one JSON object per significant event, with a stable
 * shape, redacted once and then handed to every sink: Cloud Logging (through
 * the firebase-functions v2 logger), the CloudWatch shipper when one is
 * attached and enabled, and any extra sink (tests attach one to see exactly
 * what the sinks receive). A failing sink never affects the caller or the
 * other sinks.
 */
import { logger } from 'firebase-functions';
import { functionName, instanceId } from './instance.js';
import { frozenRedaction, redactEvent } from './redact.js';

export { instanceId } from './instance.js';

/** Severities used by the backend (Cloud Logging names). */
export const Severity = {
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  NOTICE: 'NOTICE',
  WARNING: 'WARNING',
  ERROR: 'ERROR',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Caller-supplied fields of an event; any extra field is kept (after redaction). */
export interface LogFields {
  /** Payment correlation id (never redacted). */
  transactionId?: string;
  /** Downstream service involved, e.g. 'payment-api'. */
  service?: string;
  /** 1-based attempt number. */
  attempt?: number;
  /** Duration of the operation, ms. */
  durationMs?: number;
  /** Circuit-breaker state at the time of the event. */
  breakerState?: string;
  /** Stable error code; derived from `error` when omitted. */
  errorCode?: string;
  /** Error message for a person; derived from `error` when omitted. */
  errorMessage?: string;
  /** An error to describe; it is not logged itself (no stack, no cause). */
  error?: unknown;
  [key: string]: unknown;
}

/** The event every sink receives. */
export interface StructuredEvent {
  /** Event name, e.g. 'payment.succeeded'. */
  event: string;
  severity: Severity;
  /** Epoch ms. */
  timestamp: number;
  transactionId?: string;
  service?: string;
  attempt?: number;
  durationMs?: number;
  breakerState?: string;
  /** This process's id (see `instanceId`). */
  instanceId: string;
  /** FUNCTION_TARGET || K_SERVICE || 'local'. */
  function: string;
  errorCode?: string;
  errorMessage?: string;
  [key: string]: unknown;
}

/** Receives every (redacted, frozen) event. */
export type LogSink = (event: Readonly<StructuredEvent>) => void;

/** What the logger needs from the CloudWatch shipper. */
export interface ShipperSink {
  readonly enabled: boolean;
  enqueue(event: Readonly<Record<string, unknown>>): void;
}

const BASE_KEYS = ['event', 'severity', 'timestamp', 'instanceId', 'function'] as const;
const OPTIONAL_KEYS = ['transactionId', 'service', 'attempt', 'durationMs', 'breakerState'] as const;

const extraSinks = new Set<LogSink>();
let shipper: ShipperSink | null = null;

/** Writes to Cloud Logging; `message` makes the entry readable in the console. */
const cloudLoggingSink: LogSink = (event) => {
  logger.write({ ...event, severity: event.severity, message: event.event });
};

/** Attaches (or with null detaches) the CloudWatch shipper; events go to it while it is enabled. */
export function setLogShipper(next: ShipperSink | null): void {
  shipper = next;
}

/** Adds a sink that receives every event; returns a function that removes it. */
export function addLogSink(sink: LogSink): () => void {
  extraSinks.add(sink);
  return () => extraSinks.delete(sink);
}

function errorFields(error: unknown): { errorCode?: string; errorMessage?: string } {
  if (error === undefined || error === null) return {};
  if (typeof error === 'string') return { errorMessage: error };
  if (typeof error === 'number' || typeof error === 'boolean' || typeof error === 'bigint')
    return { errorMessage: String(error) };
  // A thrown function or symbol is not described: a function's source text is no message and may hold anything.
  if (typeof error !== 'object') return {};
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  const code =
    typeof e.code === 'string' || typeof e.code === 'number'
      ? String(e.code)
      : typeof e.name === 'string'
        ? e.name
        : undefined;
  const message = typeof e.message === 'string' ? e.message : undefined;
  return {
    ...(code !== undefined ? { errorCode: code } : {}),
    ...(message !== undefined ? { errorMessage: message } : {}),
  };
}

/**
 * Builds the event (stable key order: base fields, known optional fields, then
 * extras; base fields cannot be overridden by `fields`) and redacts it.
 */
export function buildLogEvent(
  event: string,
  fields: LogFields = {},
  severity: Severity = Severity.INFO,
  now: number = Date.now(),
): StructuredEvent {
  return redactEvent(unredactedEvent(event, fields, severity, now)) as StructuredEvent;
}

/** The event buildLogEvent redacts. */
function unredactedEvent(event: string, fields: LogFields, severity: Severity, now: number): Record<string, unknown> {
  const { error, errorCode, errorMessage, ...rest } = fields;
  const derived = errorFields(error);
  const out: Record<string, unknown> = { event, severity, timestamp: now };
  for (const key of OPTIONAL_KEYS) if (rest[key] !== undefined) out[key] = rest[key];
  out.instanceId = instanceId;
  out.function = functionName();
  const code = errorCode ?? derived.errorCode;
  const message = errorMessage ?? derived.errorMessage;
  if (code !== undefined) out.errorCode = code;
  if (message !== undefined) out.errorMessage = message;
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined || key in out || (BASE_KEYS as readonly string[]).includes(key)) continue;
    out[key] = value;
  }
  return out;
}

/**
 * Logs one significant event to every sink and returns what they received.
 * Never throws.
 */
export function logEvent(
  event: string,
  fields: LogFields = {},
  severity: Severity = Severity.INFO,
): Readonly<StructuredEvent> {
  // Frozen to its leaves, so the shipper's enqueue does not redact it again (redact.ts frozenRedaction).
  const entry = frozenRedaction(unredactedEvent(event, fields, severity, Date.now())) as StructuredEvent;
  const sinks: LogSink[] = [cloudLoggingSink, ...extraSinks];
  const target = shipper;
  if (target?.enabled) sinks.push((e) => target.enqueue(e));
  for (const sink of sinks) {
    try {
      sink(entry);
    } catch {
      // A broken sink must not break a payment; the other sinks still receive the event.
    }
  }
  return entry;
}
