import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';
import type { ErrorCode } from '../../api/index.js';
import { AppError, hasCode } from '../../resilience/appError.js';
import type { Outcome, Verdict } from '../../resilience/breaker/index.js';
import { MIN_ATTEMPT_MS, type PaymentGuard } from '../chargeAttempts.js';
import type { RefundEventSink } from './refundEvents.js';
import {
  holdsRefundSettleWindow,
  mayBeRefunded,
  type ProviderRefund,
  type RefundAnswer,
  type RefundProvider,
  type RefundRequest,
} from './refundProvider.js';

/** What the refund attempt loop needs. */
export interface RefundAttemptDeps {
  provider: RefundProvider;
  breaker: PaymentGuard;
  /** Attempts per call and the deadline of one [VUE_APP_PAYMENT_RETRY_ATTEMPTS, VUE_APP_PAYMENT_TIMEOUT]. */
  attempts: number;
  attemptTimeoutMs: number;
  /** Last moment an attempt may still be running: the call's lease, and the provider's memory of the key. */
  sendUntil: number;
  emit: RefundEventSink;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** How a series of refund attempts ended, and what they left open. */
export type RefundAttemptsResult = {
  /** Attempts that went to the provider. */
  sent: number;
  /** Some attempt may have refunded. */
  maybeRefunded: boolean;
  /** Send time of the last attempt the provider may still be processing; null when none. */
  settleFrom: number | null;
} & (
  | { kind: 'refund'; refund: ProviderRefund }
  | { kind: 'rejected'; httpStatus: number; providerCode?: string | undefined }
  /** No definite answer; `why` names the last reason, `retryAfterMs` when waiting helps. */
  | { kind: 'gave-up'; why: string; retryAfterMs?: number | undefined }
);

/** Thrown inside the breaker when an attempt is refused before anything is sent. */
class NotSentError extends AppError<ErrorCode> {
  constructor(readonly why: 'no-time' | 'key-expired') {
    super('ATTEMPT_NOT_SENT', `refund attempt not sent: ${why}`);
  }
}

/** Breaker verdict, as for charges (chargeAttempts.classifyAttempt): only provider failures count. */
export function classifyRefundAttempt(outcome: Outcome<RefundAnswer>): Verdict {
  if (!outcome.ok) return hasCode<ErrorCode>(outcome.error, 'ATTEMPT_NOT_SENT') ? 'ignored' : 'failure';
  const a = outcome.value;
  if (a.kind === 'server-error') return 'failure';
  if (a.kind === 'no-answer') return a.local ? 'ignored' : 'failure';
  if (a.kind === 'rate-limited' || a.kind === 'indeterminate' || a.kind === 'busy') return 'ignored';
  return 'success';
}

/**
 * Up to `attempts` refund attempts through the breaker, all with the same
 * refundId (so the same idempotency key), until a definite answer, an answer
 * outside the contract, or the deadline; 5xx, 429, a busy key and transport
 * faults are tried again within it (cockatiel's backoff with full jitter;
 * Retry-After wins). An attempt is sent only if it can end before `sendUntil`.
 * Writes nothing: the caller records the outcome.
 */
export async function refundWithRetries(
  deps: RefundAttemptDeps,
  paymentRef: string,
  req: RefundRequest,
  deadline: number,
): Promise<RefundAttemptsResult> {
  const { provider, breaker, emit, now } = deps;
  let backoff: IBackoff<unknown> = new ExponentialBackoff({
    generator: fullJitterGenerator,
    initialDelay: 200,
    maxDelay: 2000,
  }).next();
  const trace = { sent: 0, maybeRefunded: false, settleFrom: null as number | null };
  let why = 'no time left';
  let retryAfterMs: number | undefined;
  const base = { type: 'refund.attempt', transactionId: req.transactionId, refundId: req.refundId } as const;
  for (let i = 0; i < deps.attempts; i++) {
    if (deadline - now() < MIN_ATTEMPT_MS) break;
    const started = now();
    let sentAt = 0;
    let answer: RefundAnswer;
    try {
      answer = await breaker.execute(() => {
        const t = now();
        const timeoutMs = Math.min(deps.attemptTimeoutMs, deadline - t);
        if (timeoutMs < MIN_ATTEMPT_MS) throw new NotSentError('no-time');
        if (t + timeoutMs > deps.sendUntil) throw new NotSentError('key-expired');
        trace.sent++;
        sentAt = t;
        return provider.refund(paymentRef, req, timeoutMs);
      }, classifyRefundAttempt);
    } catch (err) {
      if (hasCode(err, 'BREAKER_OPEN')) {
        why = 'the payment service circuit breaker is open';
        retryAfterMs = Number(err.details?.retryAfterMs ?? 0);
        emit({ ...base, severity: 'WARNING', attempt: trace.sent, outcome: 'breaker-open' });
        break;
      }
      if (err instanceof NotSentError) {
        why = err.why === 'no-time' ? 'no time left' : 'its idempotency key may have expired at the provider';
        break;
      }
      // An adapter that throws broke its contract: assume the worst, the request may have refunded.
      answer = { kind: 'no-answer', sent: true, reason: 'error' };
    }
    const definite = answer.kind === 'refund' || answer.kind === 'rejected';
    emit({
      ...base,
      severity: definite ? 'INFO' : 'WARNING',
      attempt: trace.sent,
      outcome: answer.kind === 'no-answer' ? answer.reason : answer.kind,
      ...('httpStatus' in answer ? { httpStatus: answer.httpStatus } : {}),
      durationMs: now() - started,
      service: provider.service,
      ...(answer.endpoint ? { endpoint: answer.endpoint } : {}),
    });
    trace.maybeRefunded ||= mayBeRefunded(answer);
    if (holdsRefundSettleWindow(answer)) trace.settleFrom = sentAt;
    let delay = backoff.duration;
    backoff = backoff.next(undefined);
    switch (answer.kind) {
      case 'refund':
        return { ...trace, kind: 'refund', refund: answer.refund };
      case 'rejected':
        return { ...trace, kind: 'rejected', httpStatus: answer.httpStatus, providerCode: answer.providerCode };
      case 'indeterminate':
        // The provider may still be processing: more attempts would only race it; a lookup tells.
        return { ...trace, kind: 'gave-up', why: `an answer outside the contract (HTTP ${answer.httpStatus})` };
      case 'busy':
        delay = answer.retryAfterMs ?? Math.min(delay, 500);
        why = 'the refund is being processed at the provider';
        break;
      case 'rate-limited':
        delay = answer.retryAfterMs ?? delay;
        why = 'the provider is rate limiting';
        retryAfterMs = delay;
        break;
      case 'server-error':
        why = `the provider failed (HTTP ${answer.httpStatus})`;
        // The provider replays its saved answer for this key: another attempt tells no more than a lookup.
        if (answer.retryable === false) return { ...trace, kind: 'gave-up', why };
        break;
      case 'no-answer':
        why = `no answer (${answer.reason})`;
        break;
    }
    if (i === deps.attempts - 1 || now() + delay + MIN_ATTEMPT_MS > deadline) break;
    await deps.sleep(delay);
  }
  return { ...trace, kind: 'gave-up', why, retryAfterMs };
}
