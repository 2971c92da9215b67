/**
 * How Stripe's answers read in the provider port's terms: a PaymentIntent
 * after a confirm or a retrieve, and the stripe SDK's errors (API errors by
 * status and type, transport failures from PooledStripeHttpClient). Pure
 * functions, so the whole mapping table is unit-testable without a server.
 */
import Stripe from 'stripe';
import { AppError, hasCode } from '../../resilience/appError.js';
import {
  HttpConnectionError,
  HttpPoolConfigError,
  HttpTimeoutError,
  STALL_SHARE,
} from '../../resilience/http/index.js';
import { retryAfterMs } from './genericProvider.js';
import type { CancelAnswer, Charge, ChargeAnswer, LookupAnswer } from './paymentProvider.js';
import { UnreadableBodyError } from './stripeHttpClient.js';

/**
 * Delay answered for a 429 whose `Stripe-Should-Retry: false` asks not to
 * retry it soon: longer than any payment's total deadline, so the call gives up
 * (resource-exhausted) instead of asking again within it.
 */
export const NO_RETRY_MS = 60_000;

/** The id of a PaymentIntent's latest charge, expanded or not. */
function latestChargeId(pi: Stripe.PaymentIntent): string | null {
  const c = pi.latest_charge;
  return typeof c === 'string' ? c : (c?.id ?? null);
}

/** The money of a PaymentIntent in the port's terms (currency upper case), so lookups can be verified. */
function money(pi: Stripe.PaymentIntent): { amount: number; currency: string } {
  return { amount: pi.amount, currency: pi.currency.toUpperCase() };
}

function succeeded(pi: Stripe.PaymentIntent): Charge {
  return { kind: 'succeeded', chargeId: latestChargeId(pi) ?? pi.id, ...money(pi) };
}

/** A failed confirmation: the issuer's decline code, else Stripe's error code (e.g. an authentication failure). */
function declined(pi: Stripe.PaymentIntent, fallbackCode: string): Extract<Charge, { kind: 'declined' }> {
  const e = pi.last_payment_error;
  const declineCode = e?.decline_code ?? e?.code ?? fallbackCode;
  return { kind: 'declined', chargeId: latestChargeId(pi) ?? e?.charge ?? pi.id, declineCode, ...money(pi) };
}

/**
 * The waiting states (not final at Stripe either), or null. `requires_capture`:
 * authorized, captured later. `requires_payment_method` after a failed
 * confirmation (a failed 3-D Secure, a decline): the customer may confirm the
 * same PaymentIntent again with another method, using its client secret.
 */
function waiting(pi: Stripe.PaymentIntent): Extract<ChargeAnswer, { kind: 'pending' }> | null {
  const secret = pi.client_secret ? { clientSecret: pi.client_secret } : {};
  if (pi.status === 'requires_action') return { kind: 'pending', state: 'requires_action', ...secret };
  if (pi.status === 'requires_payment_method' && pi.last_payment_error) {
    return { kind: 'pending', state: 'requires_payment_method', ...secret };
  }
  return pi.status === 'processing' || pi.status === 'requires_capture'
    ? { kind: 'pending', state: 'processing' }
    : null;
}

/**
 * A PaymentIntent answered by confirm. Only a 200 is definite. After a
 * confirmation, `requires_payment_method` means the attempt failed (Stripe
 * answers a card decline with 402, but a failed authentication or a decline
 * settled later lands here). `requires_confirmation` means the confirmation
 * did not happen.
 */
export function chargeAnswerOf(pi: Stripe.PaymentIntent, httpStatus: number): ChargeAnswer {
  if (httpStatus !== 200) return { kind: 'indeterminate', httpStatus };
  if (pi.status === 'succeeded') return succeeded(pi);
  if (pi.status === 'requires_payment_method') return declined(pi, 'declined');
  if (pi.status === 'canceled') return declined(pi, 'canceled');
  return waiting(pi) ?? { kind: 'indeterminate', httpStatus };
}

/**
 * A PaymentIntent retrieved by lookup. `requires_confirmation` (created with
 * its payment method, never confirmed) and `requires_payment_method` without a
 * `last_payment_error` (no confirmation ever failed) have charged nothing:
 * "not found" in the port's terms, since "not found" is what proves "not
 * charged" once the settle window of a confirm in flight has passed (the
 * handler and reconciliation apply that window, then cancel it). A
 * `requires_payment_method` with a failed attempt is waiting (the customer may
 * confirm it again); `canceled` can never be charged.
 */
export function lookupAnswerOf(pi: Stripe.PaymentIntent): LookupAnswer {
  if (pi.status === 'succeeded') return { kind: 'found', charge: succeeded(pi) };
  if (pi.status === 'canceled') return { kind: 'canceled' };
  return waiting(pi) ?? { kind: 'not-found' };
}

/** The pool's transport error behind an SDK error (StripeConnectionError's `detail`, or a body read's `exception`). */
export function transportError(err: unknown): AppError | undefined {
  const detail = (err as { detail?: unknown } | null)?.detail;
  if (detail instanceof AppError) return detail;
  const inner = (detail as { exception?: unknown } | null)?.exception;
  return inner instanceof AppError ? inner : undefined;
}

/** Why a transport failure happened, in words for the logs: `timeout`, or the socket's code. */
function reasonOf(t: AppError | undefined): string {
  if (!t) return 'error';
  if (t.code === HttpTimeoutError.code) return 'timeout';
  const errno = t.details?.errno;
  return t.code === HttpConnectionError.code && typeof errno === 'string' ? errno : t.code;
}

/**
 * True when a timeout was this instance's own doing (it waited for a socket of
 * our pool, or the event loop stalled, for most of the deadline): the provider
 * never had a fair chance, so it is no provider failure.
 */
function ownTimeout(t: AppError | undefined, timeoutMs: number, stalledMs: number): boolean {
  if (!hasCode(t, HttpTimeoutError.code)) return false;
  const d = t.details as { waitingForSocket?: unknown; queuedMs?: unknown };
  const queuedMs = typeof d.queuedMs === 'number' ? d.queuedMs : 0;
  return d.waitingForSocket === true || Math.max(queuedMs, stalledMs) >= STALL_SHARE * timeoutMs;
}

/** A header of an SDK error's response (Node gives lower-case names). */
function headerOf(err: Stripe.errors.StripeError, name: string): string | undefined {
  const value = (err.headers as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** How long a 429 asks us to wait: Retry-After, else Stripe-Should-Retry (false: not soon; true or absent: our backoff). */
export function rateLimitDelay(err: Stripe.errors.StripeError): number | null {
  const after = retryAfterMs(headerOf(err, 'retry-after'));
  if (after !== null) return after;
  return headerOf(err, 'stripe-should-retry') === 'false' ? NO_RETRY_MS : null;
}

function isStripeError(err: unknown): err is Stripe.errors.StripeError {
  return err instanceof Stripe.errors.StripeError;
}

/** What a failed confirm means for the money. */
export function chargeAnswerOfError(err: unknown, timeoutMs: number, stalledMs: number): ChargeAnswer {
  const t = transportError(err);
  if (t || !isStripeError(err) || err.type === 'StripeConnectionError') {
    // Only the pool knows that a request never left; anything else may have reached Stripe.
    const sent = t?.code === HttpPoolConfigError.code ? false : t?.details?.mayHaveReachedServer !== false;
    const local = ownTimeout(t, timeoutMs, stalledMs);
    return { kind: 'no-answer', sent, reason: reasonOf(t), ...(local ? { local } : {}), ...(t ? { cause: t } : {}) };
  }
  const status = err.statusCode;
  if (status === undefined) {
    // A body that is not JSON: a 5xx from Stripe's edge may be a saved answer, anything else is off contract.
    const unreadable = (err.raw as { exception?: unknown } | undefined)?.exception;
    const httpStatus = unreadable instanceof UnreadableBodyError ? unreadable.statusCode : 0;
    return httpStatus >= 500
      ? { kind: 'server-error', httpStatus, retryable: false }
      : { kind: 'indeterminate', httpStatus };
  }
  const pi = (err as { payment_intent?: Stripe.PaymentIntent }).payment_intent;
  if (status === 402) {
    const code = err.decline_code ?? err.code ?? 'card_declined';
    if (pi) return { ...declined(pi, code), declineCode: code };
    return { kind: 'declined', chargeId: err.charge ?? '', declineCode: code };
  }
  if (status === 400 && err.rawType === 'idempotency_error') {
    return { kind: 'rejected', httpStatus: 400, providerCode: 'idempotency_error' };
  }
  // Confirming a PaymentIntent that already moved on (a confirmation with another key, e.g. client-side
  // after 3-D Secure): its state in the error is the truth, not a refusal.
  if (
    err.code === 'payment_intent_unexpected_state' &&
    pi &&
    ['succeeded', 'processing', 'requires_action'].includes(pi.status)
  ) {
    return chargeAnswerOf(pi, 200);
  }
  if (status === 409) return { kind: 'busy', retryAfterMs: retryAfterMs(headerOf(err, 'retry-after')) };
  if (status === 429) return { kind: 'rate-limited', retryAfterMs: rateLimitDelay(err) };
  // Stripe saves a 500 for the key and replays it: only `Stripe-Should-Retry: true` says a retry can tell more.
  if (status >= 500)
    return { kind: 'server-error', httpStatus: status, retryable: headerOf(err, 'stripe-should-retry') === 'true' };
  if (status === 400 || status === 401 || status === 403 || status === 404) {
    const providerCode = err.code ?? err.rawType;
    return { kind: 'rejected', httpStatus: status, ...(providerCode ? { providerCode } : {}) };
  }
  return { kind: 'indeterminate', httpStatus: status };
}

/**
 * What a failed retrieve means: only Stripe's own `resource_missing` 404 is
 * "no such payment"; any other answer (a 404 without that code, e.g. from a
 * proxy) leaves the question open.
 */
export function lookupAnswerOfError(err: unknown): LookupAnswer {
  const t = transportError(err);
  if (t || !isStripeError(err) || err.statusCode === undefined) return { kind: 'unavailable', reason: reasonOf(t) };
  if (err.statusCode === 404 && err.code === 'resource_missing') return { kind: 'not-found' };
  return { kind: 'unavailable', reason: `HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ''}` };
}

/**
 * A PaymentIntent's state after a cancel, or in the error of a refused one:
 * canceled; charged or declined before the cancel (the truth); or still being
 * worked on (`processing`, or a state a cancel did not reach).
 */
export function cancelAnswerOf(pi: Stripe.PaymentIntent): CancelAnswer {
  if (pi.status === 'canceled') return { kind: 'canceled' };
  if (pi.status === 'succeeded') return { kind: 'found', charge: succeeded(pi) };
  return { kind: 'not-cancelable', state: pi.status };
}

/**
 * What a failed cancel means: Stripe refuses to cancel a PaymentIntent that
 * moved on (`payment_intent_unexpected_state`, its state in the error); its
 * own `resource_missing` is no such PaymentIntent; anything else is no answer.
 */
export function cancelAnswerOfError(err: unknown): CancelAnswer {
  const t = transportError(err);
  if (t || !isStripeError(err) || err.statusCode === undefined) return { kind: 'unavailable', reason: reasonOf(t) };
  const pi = (err as { payment_intent?: Stripe.PaymentIntent }).payment_intent;
  if (err.code === 'payment_intent_unexpected_state' && pi) return cancelAnswerOf(pi);
  if (err.statusCode === 404 && err.code === 'resource_missing') return { kind: 'not-found' };
  return { kind: 'unavailable', reason: `HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ''}` };
}

/**
 * Stripe's refusal of a PaymentIntent's creation, when it refused the request
 * itself (400, 402, 404: invalid amount, currency or parameters): it would
 * refuse it again. Null for anything else (auth, conflicts, rate limits, 5xx,
 * transport), which keeps its own meaning.
 */
export function prepareRefusal(err: unknown): Extract<ChargeAnswer, { kind: 'rejected' }> | null {
  if (transportError(err) || !isStripeError(err)) return null;
  const status = err.statusCode;
  if (status !== 400 && status !== 402 && status !== 404) return null;
  const providerCode = err.code ?? err.rawType;
  return { kind: 'rejected', httpStatus: status, ...(providerCode ? { providerCode } : {}) };
}

/** A health problem in words without secrets: `HTTP_401`, `HTTP_TIMEOUT`, `HTTP_CONNECTION:ECONNREFUSED`. */
export function healthProblem(err: unknown): string {
  const t = transportError(err);
  if (t?.code === HttpConnectionError.code) return `${t.code}:${String(t.details?.errno)}`;
  if (t) return t.code;
  return isStripeError(err) && err.statusCode !== undefined ? `HTTP_${err.statusCode}` : 'UNKNOWN';
}
