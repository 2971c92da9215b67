import type { ProcessPaymentResult } from '../api.js';
import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';
import { hasCode } from '../errors.js';
import type { FleetCircuitBreaker, Outcome, Verdict } from '../resilience/breaker/circuitBreaker.js';
import type { HttpPoolManager } from '../resilience/http/httpPool.js';
import {
  claimPayment,
  finalizePayment,
  PaymentStatus,
  type PaymentOutcome,
  type PaymentRecord,
  type RunQuery,
} from './ledger.js';
import { normalizeCurrency, toMajorUnits, toMinorUnits } from './money.js';
import {
  PaymentRateLimitedError,
  PaymentRejectedError,
  PaymentUnavailableError,
  PaymentUnknownError,
} from './paymentErrors.js';
import { lookupCharge, mayHaveReached, sendCharge, type ChargeAnswer } from './providerClient.js';

/** Settings of the payment path (from config.ts). */
export interface PaymentSettings {
  /** Deadline of one provider attempt, ms [VUE_APP_PAYMENT_TIMEOUT]. */
  attemptTimeoutMs: number;
  /** Attempts per call, all with the same Idempotency-Key [VUE_APP_PAYMENT_RETRY_ATTEMPTS]. */
  attempts: number;
  /** Deadline of the whole call including backoff and lookups, ms [PAYMENT_TOTAL_TIMEOUT_MS]. */
  totalTimeoutMs: number;
  /** Largest amount in major units [PAYMENT_MAX_AMOUNT]. */
  maxAmount: number;
}

/** What a successful call answers (amount in major units): the callable's contract. */
export type PaymentResult = ProcessPaymentResult;

/** Structured event sink (wired to the observability logger). */
export type PaymentLog = (
  event: string,
  fields: Record<string, unknown>,
  severity?: 'INFO' | 'WARNING' | 'ERROR',
) => void;

export interface PaymentHandlerDeps {
  runQuery: RunQuery;
  pool: HttpPoolManager;
  breaker: FleetCircuitBreaker;
  settings: PaymentSettings;
  log?: PaymentLog;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Shortest attempt worth starting, and the lookup deadline, ms. */
const MIN_ATTEMPT_MS = 250;
const LOOKUP_TIMEOUT_MS = 3000;

/** Breaker verdict for one attempt: business answers are successes; overload and transport faults are failures. */
export function classifyAttempt(outcome: Outcome<ChargeAnswer>): Verdict {
  if (!outcome.ok) return hasCode(outcome.error, 'HTTP_ABORTED') ? 'ignored' : 'failure';
  const kind = outcome.value.kind;
  return kind === 'rate-limited' || kind === 'server-error' ? 'failure' : 'success';
}

/**
 * Processes payments so that none is charged twice or lost: the ledger record
 * is claimed before the provider is called, every attempt of a payment carries
 * the same Idempotency-Key, and an outcome that may be a charge is resolved by
 * asking the provider (`GET /charge/<id>`) instead of guessed.
 * Retry delays: cockatiel's ExponentialBackoff with full jitter; Retry-After wins for 429.
 */
export class PaymentHandler {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: PaymentLog;

  constructor(private readonly deps: PaymentHandlerDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.log = deps.log ?? (() => undefined);
  }

  /** Charges `amount` (major units) once for `transactionId`, or replays its recorded result. */
  async processPayment(
    amount: unknown,
    paymentMethod: string,
    transactionId: string,
    options: { uid: string; currency?: string },
  ): Promise<PaymentResult> {
    const { runQuery, settings } = this.deps;
    const currency = normalizeCurrency(options.currency ?? 'USD');
    const minor = toMinorUnits(amount, currency, settings.maxAmount);
    const started = this.now();
    const deadline = started + settings.totalTimeoutMs;
    const leaseMs = settings.totalTimeoutMs + LOOKUP_TIMEOUT_MS + 5000;
    const claim = await claimPayment(
      runQuery,
      { transactionId, uid: options.uid, amount: minor, currency, paymentMethod },
      leaseMs,
      this.now,
    );
    if (claim.kind === 'replay') {
      this.log('payment.replayed', { transactionId, status: claim.record.status });
      return toResult(transactionId, claim.record, true);
    }
    const ctx: CallContext = {
      transactionId,
      claimId: claim.claimId,
      priorAttempts: claim.record.attempts,
      amount: minor,
      currency,
    };
    if (claim.resolveFirst) {
      const look = await lookupCharge(
        this.deps.pool,
        transactionId,
        Math.min(LOOKUP_TIMEOUT_MS, Math.max(MIN_ATTEMPT_MS, deadline - this.now())),
      );
      if (look.kind === 'found') return this.finish(ctx, 0, look.charge, true);
      if (look.kind === 'unavailable') {
        await this.record(ctx, {
          status: PaymentStatus.unknown,
          attempts: ctx.priorAttempts,
          error: { code: 'LOOKUP_UNAVAILABLE', message: look.reason },
        });
        throw new PaymentUnknownError(transactionId);
      }
    }
    return this.charge(ctx, { amount: minor, currency, paymentMethod, transactionId }, deadline);
  }

  private async charge(
    ctx: CallContext,
    body: { amount: number; currency: string; paymentMethod: string; transactionId: string },
    deadline: number,
  ): Promise<PaymentResult> {
    const { pool, breaker, settings } = this.deps;
    let backoff: IBackoff<unknown> = new ExponentialBackoff({
      generator: fullJitterGenerator,
      initialDelay: 200,
      maxDelay: 2000,
    }).next();
    let sent = 0;
    let maybeCharged = false;
    let last: {
      kind: 'breaker' | 'transport' | 'rate-limited' | 'server-error';
      error?: unknown;
      retryAfterMs?: number;
    } = { kind: 'transport' };
    for (let i = 0; i < settings.attempts; i++) {
      const remaining = deadline - this.now();
      if (remaining < MIN_ATTEMPT_MS) break;
      const attemptStart = this.now();
      let answer: ChargeAnswer | undefined;
      try {
        answer = await breaker.execute(() => {
          sent++;
          return sendCharge(pool, body, Math.min(settings.attemptTimeoutMs, remaining));
        }, classifyAttempt);
      } catch (err) {
        if (hasCode(err, 'BREAKER_OPEN')) {
          last = { kind: 'breaker', error: err, retryAfterMs: Number(err.details?.retryAfterMs ?? 0) };
          this.log(
            'payment.attempt',
            { transactionId: ctx.transactionId, attempt: sent, outcome: 'breaker-open', breakerState: 'open' },
            'WARNING',
          );
          break;
        }
        maybeCharged ||= mayHaveReached(err);
        last = { kind: 'transport', error: err };
      }
      const outcome = answer?.kind ?? (last.error as { code?: string })?.code ?? 'error';
      this.log(
        'payment.attempt',
        {
          transactionId: ctx.transactionId,
          attempt: sent,
          outcome,
          durationMs: this.now() - attemptStart,
          service: 'payment-service',
        },
        answer && answer.kind !== 'server-error' && answer.kind !== 'rate-limited' ? 'INFO' : 'WARNING',
      );
      let delay = backoff.duration;
      backoff = backoff.next(undefined as never);
      if (answer) {
        if (answer.kind === 'succeeded' || answer.kind === 'declined') return this.finish(ctx, sent, answer, false);
        if (answer.kind === 'rejected') {
          if (answer.httpStatus === 401 || answer.httpStatus === 403) {
            this.log(
              'payment.provider_auth_rejected',
              {
                transactionId: ctx.transactionId,
                httpStatus: answer.httpStatus,
                errorMessage: 'check PAYMENT_API_KEY',
              },
              'ERROR',
            );
          }
          await this.record(ctx, {
            status: PaymentStatus.failed,
            attempts: ctx.priorAttempts + sent,
            error: { code: `HTTP_${answer.httpStatus}`, message: answer.providerCode ?? 'rejected by provider' },
          });
          throw new PaymentRejectedError(ctx.transactionId, answer.httpStatus, answer.providerCode);
        }
        if (answer.kind === 'rate-limited') {
          last = { kind: 'rate-limited', retryAfterMs: answer.retryAfterMs ?? delay };
          delay = answer.retryAfterMs ?? delay;
        } else {
          maybeCharged = true;
          last = { kind: 'server-error' };
        }
      }
      if (i === settings.attempts - 1 || this.now() + delay + MIN_ATTEMPT_MS > deadline) break;
      await this.sleep(delay);
    }
    return this.giveUp(ctx, sent, maybeCharged, last, deadline);
  }

  /** No definite answer: resolve with a lookup when a charge may exist, else record `failed`. */
  private async giveUp(
    ctx: CallContext,
    sent: number,
    maybeCharged: boolean,
    last: { kind: string; error?: unknown; retryAfterMs?: number },
    deadline: number,
  ): Promise<PaymentResult> {
    const attempts = ctx.priorAttempts + sent;
    if (maybeCharged) {
      const look = await lookupCharge(
        this.deps.pool,
        ctx.transactionId,
        Math.min(LOOKUP_TIMEOUT_MS, Math.max(1000, deadline - this.now())),
      );
      if (look.kind === 'found') return this.finish(ctx, sent, look.charge, false);
      if (look.kind === 'unavailable') {
        await this.record(ctx, {
          status: PaymentStatus.unknown,
          attempts,
          error: { code: 'OUTCOME_UNKNOWN', message: `no answer after ${sent} attempt(s); lookup ${look.reason}` },
        });
        throw new PaymentUnknownError(ctx.transactionId, last.error);
      }
    }
    const retryAfterMs = Math.max(1000, last.retryAfterMs ?? 0);
    await this.record(ctx, {
      status: PaymentStatus.failed,
      attempts,
      error: {
        code:
          last.kind === 'breaker'
            ? 'BREAKER_OPEN'
            : last.kind === 'rate-limited'
              ? 'RATE_LIMITED'
              : 'PROVIDER_UNAVAILABLE',
        message: `not charged after ${sent} attempt(s)`,
      },
    });
    if (last.kind === 'rate-limited') throw new PaymentRateLimitedError(ctx.transactionId, retryAfterMs);
    throw new PaymentUnavailableError(
      ctx.transactionId,
      retryAfterMs,
      last.kind === 'breaker' ? 'circuit open' : 'no answer',
      last.error,
    );
  }

  /** Records a definite provider answer and returns the caller's result. */
  private async finish(
    ctx: CallContext,
    sent: number,
    charge: Extract<ChargeAnswer, { kind: 'succeeded' | 'declined' }>,
    replayed: boolean,
  ): Promise<PaymentResult> {
    const outcome: PaymentOutcome = {
      status: charge.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined,
      attempts: ctx.priorAttempts + sent,
      chargeId: charge.chargeId,
      ...(charge.kind === 'declined' ? { declineCode: charge.declineCode } : {}),
    };
    await this.record(ctx, outcome);
    this.log('payment.completed', {
      transactionId: ctx.transactionId,
      status: outcome.status,
      attempts: outcome.attempts,
    });
    return toResult(ctx.transactionId, { amount: ctx.amount, currency: ctx.currency, ...outcome }, replayed);
  }

  /**
   * Writes the outcome. If the write fails the record stays `pending` with a
   * lease, and reconciliation (or the next call) resolves it from the provider.
   */
  private async record(ctx: { transactionId: string; claimId: string }, outcome: PaymentOutcome): Promise<void> {
    try {
      await finalizePayment(this.deps.runQuery, ctx.transactionId, ctx.claimId, outcome, this.now);
    } catch (err) {
      this.log(
        'payment.ledger_write_failed',
        { transactionId: ctx.transactionId, status: outcome.status, errorCode: (err as { code?: string }).code },
        'ERROR',
      );
    }
  }
}

/** What one call knows about the payment it holds the claim for. */
interface CallContext {
  transactionId: string;
  claimId: string;
  /** Attempts recorded by earlier calls for this transactionId. */
  priorAttempts: number;
  /** Integer minor units. */
  amount: number;
  currency: string;
}

function toResult(
  transactionId: string,
  r: Pick<PaymentRecord, 'amount' | 'currency' | 'status' | 'attempts' | 'chargeId' | 'declineCode'>,
  replayed: boolean,
): PaymentResult {
  return {
    transactionId,
    status: r.status as 'succeeded' | 'declined',
    chargeId: r.chargeId ?? '',
    amount: toMajorUnits(r.amount, r.currency),
    currency: r.currency,
    attempts: r.attempts,
    replayed,
    ...(r.declineCode ? { declineCode: r.declineCode } : {}),
  };
}
