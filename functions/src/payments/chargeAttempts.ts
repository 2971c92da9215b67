import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';
import { AppError, hasCode } from '../resilience/appError.js';
import type { BreakerState, ErrorCode } from '../api/index.js';
import type { Outcome, Verdict } from '../resilience/breaker/index.js';
import {
  holdsSettleWindow,
  mayBeCharged,
  type Charge,
  type ChargeAnswer,
  type PaymentProvider,
  type PendingState,
} from './provider/paymentProvider.js';
import type { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import { PaymentPhase, type PaymentEventSink } from './paymentEvents.js';
import type { PaymentRequest } from './paymentRequest.js';

/** Shortest attempt worth starting, ms. */
export const MIN_ATTEMPT_MS = 250;

/** The part of a circuit breaker the payment path uses (FleetCircuitBreaker). */
export interface PaymentGuard {
  execute<T>(fn: () => Promise<T>, classify: (outcome: Outcome<T>) => Verdict): Promise<T>;
  /** The breaker as this instance last saw it (no I/O), and when it last read the fleet's state. */
  snapshot(): { state: BreakerState; nextProbeAt: number | null; syncedAt: number | null };
  /**
   * Re-reads the fleet's state now, waiting at most the breaker's refresh cap (FleetCircuitBreaker.syncWithin);
   * guards without one are judged on their copy.
   */
  syncWithin?(): Promise<void>;
  /** Starts the refresh the next `execute` would wait for, without waiting (FleetCircuitBreaker.prefetch). */
  prefetch?(): void;
}

/** The call's claim on its ledger record, as the attempt loop must respect it. */
export interface ClaimFence {
  /** Until when the call holds its claim. */
  leaseUntil(): number;
  /** Extends the lease to at least `until`; false when the claim was lost. */
  extend(until: number): Promise<boolean>;
  /** Last moment an attempt may still be running: the provider may forget the key after it. */
  keyUsableUntil: number;
}

/** What the attempt loop needs. */
export interface AttemptDeps {
  provider: PaymentProvider;
  breaker: PaymentGuard;
  /** Attempts per call and the deadline of one [VUE_APP_PAYMENT_RETRY_ATTEMPTS, VUE_APP_PAYMENT_TIMEOUT]. */
  attempts: number;
  attemptTimeoutMs: number;
  fence: ClaimFence;
  /** Where each attempt's duration (and the breaker's and lease's share) is measured. */
  phases: PhaseTimer;
  emit: PaymentEventSink;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Why the attempts ended without a definite answer. */
export interface GiveUp {
  /** `local`: the last attempt never left this instance (no free socket, or a stalled event loop, before its deadline). */
  kind:
    'breaker' | 'transport' | 'local' | 'rate-limited' | 'server-error' | 'indeterminate' | 'no-time' | 'key-expired';
  cause?: unknown;
  retryAfterMs?: number;
}

/** What the attempts left behind, whatever the ending. */
export interface AttemptTrace {
  /** Attempts that went to the provider. */
  sent: number;
  /** Send time of the last attempt; null when none was sent. */
  lastSentAt: number | null;
  /** Some attempt may have been charged. */
  maybeCharged: boolean;
  /** Send time of the last attempt the provider may still be processing; null when none. */
  settleFrom: number | null;
}

/** How a series of attempts ended. */
export type AttemptsResult = AttemptTrace &
  (
    | { kind: 'charged'; charge: Charge }
    | { kind: 'rejected'; answer: Extract<ChargeAnswer, { kind: 'rejected' }> }
    /** Accepted by the provider, waiting for the customer or the network. */
    | { kind: 'waiting'; state: PendingState; clientSecret?: string | undefined }
    | { kind: 'gave-up'; reason: GiveUp }
    /** The claim was taken over before an attempt could be sent: this call must write nothing more. */
    | { kind: 'claim-lost' }
  );

/** Thrown inside the breaker when an attempt is refused before anything is sent. */
class NotSentError extends AppError<ErrorCode> {
  constructor(readonly why: 'no-time' | 'key-expired' | 'claim-lost') {
    super('ATTEMPT_NOT_SENT', `attempt not sent: ${why}`);
  }
}

/**
 * Breaker verdict: only provider failures count. Business answers are
 * successes; 5xx and transport faults are failures; the instance's own
 * trouble (no free socket, a stalled event loop, a deadline spent before
 * sending), failures of one endpoint that outlier ejection took out of
 * rotation (`isolated`), and answers that say nothing about the provider's
 * health (429 is "slow down", not "down"; answers outside the contract) count for nothing.
 */
export function classifyAttempt(outcome: Outcome<ChargeAnswer>): Verdict {
  if (!outcome.ok) return hasCode<ErrorCode>(outcome.error, 'ATTEMPT_NOT_SENT') ? 'ignored' : 'failure';
  const a = outcome.value;
  if (a.kind === 'server-error') return a.isolated ? 'ignored' : 'failure';
  if (a.kind === 'no-answer') return a.local || a.isolated ? 'ignored' : 'failure';
  if (a.kind === 'rate-limited' || a.kind === 'indeterminate' || a.kind === 'busy') return 'ignored';
  return 'success';
}

/**
 * Up to `attempts` charge attempts through the breaker, all with the same
 * reference (so the same idempotency key), until a definite answer, an answer
 * outside the contract, or the deadline. An attempt is sent only while the call
 * holds its claim for that attempt's whole deadline (the lease is extended
 * first when needed) and the provider still remembers the key. Delays:
 * cockatiel's ExponentialBackoff with full jitter; Retry-After wins for 429.
 * Writes nothing but lease extensions: the handler records the outcome.
 */
export async function chargeWithRetries(
  deps: AttemptDeps,
  ref: string,
  req: PaymentRequest,
  deadline: number,
): Promise<AttemptsResult> {
  const { provider, breaker, now, fence, phases } = deps;
  // Each attempt's event (log line, metric, history) is the call's `events` phase, as payment.completed is.
  const emit = (e: Parameters<PaymentEventSink>[0]) => {
    const emitting = phases.start();
    deps.emit(e);
    phases.add(PaymentPhase.events, emitting());
  };
  let backoff: IBackoff<unknown> = new ExponentialBackoff({
    generator: fullJitterGenerator,
    initialDelay: 200,
    maxDelay: 2000,
  }).next();
  const trace: AttemptTrace = { sent: 0, lastSentAt: null, maybeCharged: false, settleFrom: null };
  let reason: GiveUp = { kind: 'no-time' };
  for (let i = 0; i < deps.attempts; i++) {
    if (deadline - now() < MIN_ATTEMPT_MS) break;
    // Cover this attempt and what follows it (lookup, write) before the breaker may delay us.
    if (
      fence.leaseUntil() < deadline + 5000 &&
      !(await phases.time(PaymentPhase.lease, () => fence.extend(deadline + 10_000)))
    ) {
      return { ...trace, kind: 'claim-lost' };
    }
    const attemptStart = now();
    const guarded = phases.start();
    const sent: { ms: number | null } = { ms: null };
    let answer: ChargeAnswer;
    try {
      answer = await breaker.execute(() => {
        // Checked at send time: the breaker's refresh may have taken a while.
        const t = now();
        const timeoutMs = Math.min(deps.attemptTimeoutMs, deadline - t);
        if (timeoutMs < MIN_ATTEMPT_MS) throw new NotSentError('no-time');
        if (t + timeoutMs > fence.keyUsableUntil) throw new NotSentError('key-expired');
        if (t + timeoutMs > fence.leaseUntil()) throw new NotSentError('claim-lost');
        trace.sent++;
        trace.lastSentAt = t;
        const charging = phases.start();
        return provider.charge(ref, req, timeoutMs).finally(() => (sent.ms = charging()));
      }, classifyAttempt);
    } catch (err) {
      if (hasCode(err, 'BREAKER_OPEN')) {
        reason = { kind: 'breaker', cause: err, retryAfterMs: Number(err.details?.retryAfterMs ?? 0) };
        emit({
          type: 'payment.attempt',
          severity: 'WARNING',
          transactionId: req.transactionId,
          attempt: trace.sent,
          outcome: 'breaker-open',
        });
        break;
      }
      if (err instanceof NotSentError) {
        if (err.why === 'claim-lost') return { ...trace, kind: 'claim-lost' };
        reason = { kind: err.why };
        break;
      }
      // An adapter that throws broke its contract: assume the worst, the request may have been charged.
      answer = { kind: 'no-answer', sent: true, reason: 'error', cause: err };
    } finally {
      // The breaker's share: its checks and bookkeeping around the request (a fleet refresh at most once a second).
      const total = guarded();
      if (sent.ms !== null) phases.addEach(PaymentPhase.attempts, sent.ms);
      phases.add(PaymentPhase.breaker, total - (sent.ms ?? 0));
    }
    const definite = answer.kind === 'succeeded' || answer.kind === 'declined' || answer.kind === 'rejected';
    emit({
      type: 'payment.attempt',
      severity: definite ? 'INFO' : 'WARNING',
      transactionId: req.transactionId,
      attempt: trace.sent,
      outcome: answer.kind === 'no-answer' ? answer.reason : answer.kind,
      ...('httpStatus' in answer ? { httpStatus: answer.httpStatus } : {}),
      durationMs: now() - attemptStart,
      service: provider.service,
      ...(answer.endpoint ? { endpoint: answer.endpoint } : {}),
    });
    let delay = backoff.duration;
    backoff = backoff.next(undefined);
    trace.maybeCharged ||= mayBeCharged(answer);
    if (holdsSettleWindow(answer)) trace.settleFrom = trace.lastSentAt;
    switch (answer.kind) {
      case 'succeeded':
      case 'declined':
        return { ...trace, kind: 'charged', charge: answer };
      case 'rejected':
        return { ...trace, kind: 'rejected', answer };
      case 'pending':
        return { ...trace, kind: 'waiting', state: answer.state, clientSecret: answer.clientSecret };
      case 'indeterminate':
        // The provider may still be processing: more attempts would only race it. Look it up instead.
        return { ...trace, kind: 'gave-up', reason: { kind: 'indeterminate' } };
      case 'busy':
        // The same key is running at the provider: ask again shortly with the same key.
        delay = answer.retryAfterMs ?? Math.min(delay, 500);
        reason = { kind: 'indeterminate' };
        break;
      case 'rate-limited':
        delay = answer.retryAfterMs ?? delay;
        reason = { kind: 'rate-limited', retryAfterMs: delay };
        break;
      case 'server-error':
        reason = { kind: 'server-error' };
        // The provider replays its saved answer for this key: another attempt cannot tell more than a lookup.
        if (answer.retryable === false) return { ...trace, kind: 'gave-up', reason };
        break;
      case 'no-answer':
        // Never sent because of this instance's own trouble: the provider is not to blame, and nothing was charged.
        reason = { kind: answer.local && !answer.sent ? 'local' : 'transport', cause: answer.cause };
        break;
    }
    if (i === deps.attempts - 1 || now() + delay + MIN_ATTEMPT_MS > deadline) break;
    await deps.sleep(delay);
  }
  return { ...trace, kind: 'gave-up', reason };
}
