import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';
import { hasCode } from '../errors.js';
import type { Outcome, Verdict } from '../resilience/breaker/index.js';
import {
  mayBeCharged,
  type Charge,
  type ChargeAnswer,
  type ChargeRequest,
  type PaymentProvider,
} from './provider/paymentProvider.js';

/** Shortest attempt worth starting, ms. */
export const MIN_ATTEMPT_MS = 250;

/** The part of a circuit breaker the payment path uses (FleetCircuitBreaker). */
export interface PaymentGuard {
  execute<T>(fn: () => Promise<T>, classify: (outcome: Outcome<T>) => Verdict): Promise<T>;
}

/** Event sink of the payment path; logging and metrics subscribe to it (runtime.ts). */
export type PaymentEvents = (
  event: string,
  fields: Record<string, unknown>,
  severity?: 'INFO' | 'WARNING' | 'ERROR',
) => void;

/** What the attempt loop needs. */
export interface AttemptDeps {
  provider: PaymentProvider;
  breaker: PaymentGuard;
  /** Attempts per call and the deadline of one [VUE_APP_PAYMENT_RETRY_ATTEMPTS, VUE_APP_PAYMENT_TIMEOUT]. */
  attempts: number;
  attemptTimeoutMs: number;
  emit: PaymentEvents;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Why the attempts ended without a definite answer. */
export interface GiveUp {
  kind: 'breaker' | 'transport' | 'rate-limited' | 'server-error';
  cause?: unknown;
  retryAfterMs?: number;
}

/** How a series of attempts ended; `sent` counts attempts that went to the provider. */
export type AttemptsResult =
  | { kind: 'charged'; charge: Charge; sent: number }
  | { kind: 'rejected'; answer: Extract<ChargeAnswer, { kind: 'rejected' }>; sent: number }
  | { kind: 'gave-up'; reason: GiveUp; maybeCharged: boolean; sent: number };

/** Breaker verdict for one attempt: business answers are successes; overload and transport faults are failures. */
export function classifyAttempt(outcome: Outcome<ChargeAnswer>): Verdict {
  if (!outcome.ok) return 'failure';
  const kind = outcome.value.kind;
  return kind === 'rate-limited' || kind === 'server-error' || kind === 'no-answer' ? 'failure' : 'success';
}

/**
 * Up to `attempts` charge attempts through the breaker, all with the same
 * reference (so the same idempotency key), until a definite answer or the
 * deadline. Delays: cockatiel's ExponentialBackoff with full jitter;
 * Retry-After wins for 429. Writes nothing: the handler records the outcome.
 */
export async function chargeWithRetries(
  deps: AttemptDeps,
  ref: string,
  req: ChargeRequest,
  deadline: number,
): Promise<AttemptsResult> {
  const { provider, breaker, emit, now } = deps;
  let backoff: IBackoff<unknown> = new ExponentialBackoff({
    generator: fullJitterGenerator,
    initialDelay: 200,
    maxDelay: 2000,
  }).next();
  let sent = 0;
  let maybeCharged = false;
  let reason: GiveUp = { kind: 'transport' };
  for (let i = 0; i < deps.attempts; i++) {
    const remaining = deadline - now();
    if (remaining < MIN_ATTEMPT_MS) break;
    const attemptStart = now();
    let answer: ChargeAnswer;
    try {
      answer = await breaker.execute(() => {
        sent++;
        return provider.charge(ref, req, Math.min(deps.attemptTimeoutMs, remaining));
      }, classifyAttempt);
    } catch (err) {
      if (hasCode(err, 'BREAKER_OPEN')) {
        reason = { kind: 'breaker', cause: err, retryAfterMs: Number(err.details?.retryAfterMs ?? 0) };
        emit(
          'payment.attempt',
          { transactionId: req.transactionId, attempt: sent, outcome: 'breaker-open' },
          'WARNING',
        );
        break;
      }
      // An adapter that throws broke its contract: assume the worst, the request may have been charged.
      answer = { kind: 'no-answer', sent: true, reason: 'error', cause: err };
    }
    const definite = answer.kind === 'succeeded' || answer.kind === 'declined' || answer.kind === 'rejected';
    emit(
      'payment.attempt',
      {
        transactionId: req.transactionId,
        attempt: sent,
        outcome: answer.kind === 'no-answer' ? answer.reason : answer.kind,
        durationMs: now() - attemptStart,
        service: provider.service,
      },
      definite ? 'INFO' : 'WARNING',
    );
    let delay = backoff.duration;
    backoff = backoff.next(undefined);
    maybeCharged ||= mayBeCharged(answer);
    switch (answer.kind) {
      case 'succeeded':
      case 'declined':
        return { kind: 'charged', charge: answer, sent };
      case 'rejected':
        return { kind: 'rejected', answer, sent };
      case 'rate-limited':
        delay = answer.retryAfterMs ?? delay;
        reason = { kind: 'rate-limited', retryAfterMs: delay };
        break;
      case 'server-error':
        reason = { kind: 'server-error' };
        break;
      case 'no-answer':
        reason = { kind: 'transport', cause: answer.cause };
        break;
    }
    if (i === deps.attempts - 1 || now() + delay + MIN_ATTEMPT_MS > deadline) break;
    await deps.sleep(delay);
  }
  return { kind: 'gave-up', reason, maybeCharged, sent };
}
