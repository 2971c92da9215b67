import { randomUUID } from 'node:crypto';
import { PaymentStatus, type PaymentMethod, type ProcessPaymentResult } from '../api.js';
import {
  chargeWithRetries,
  MIN_ATTEMPT_MS,
  type AttemptDeps,
  type GiveUp,
  type PaymentEvents,
  type PaymentGuard,
} from './chargeAttempts.js';
import type { PaymentLedger, PaymentOutcome } from './ledger/paymentLedger.js';
import { normalizeCurrency, toMinorUnits } from './money.js';
import {
  PaymentRateLimitedError,
  PaymentRejectedError,
  PaymentUnavailableError,
  PaymentUnknownError,
} from './paymentErrors.js';
import { toResult, type CallContext } from './paymentResult.js';
import type { Charge, ChargeAnswer, ChargeRequest, PaymentProvider } from './provider/paymentProvider.js';

export { classifyAttempt, type PaymentEvents, type PaymentGuard } from './chargeAttempts.js';

/** Settings of the payment path (from config.ts). */
export interface PaymentSettings {
  /** Deadline of one provider attempt, ms [VUE_APP_PAYMENT_TIMEOUT]. */
  attemptTimeoutMs: number;
  /** Attempts per call, all with the same idempotency key [VUE_APP_PAYMENT_RETRY_ATTEMPTS]. */
  attempts: number;
  /** Deadline of the whole call including backoff and lookups, ms [PAYMENT_TOTAL_TIMEOUT_MS]. */
  totalTimeoutMs: number;
  /** Largest amount in major units [PAYMENT_MAX_AMOUNT]. */
  maxAmount: number;
}

/** A payment as the callable validated it (amount in major units). */
export interface PaymentInput {
  amount: number;
  paymentMethod: PaymentMethod;
  currency?: string | undefined;
  /** Generated when absent; callers should send one so a lost answer can be retried. */
  transactionId?: string | undefined;
}

/** What the handler depends on: two ports, a guard, settings and an event sink. */
export interface PaymentHandlerDeps {
  ledger: PaymentLedger;
  provider: PaymentProvider;
  breaker: PaymentGuard;
  settings: PaymentSettings;
  events?: PaymentEvents;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Deadline of one lookup, ms. */
const LOOKUP_TIMEOUT_MS = 3000;

/**
 * Processes payments so that none is charged twice or lost: the ledger record
 * is claimed before the provider is called, every attempt of a payment carries
 * the same idempotency key, and an outcome that may be a charge is resolved by
 * asking the provider instead of guessed.
 */
export class PaymentHandler {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly emit: PaymentEvents;

  constructor(private readonly deps: PaymentHandlerDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.emit = deps.events ?? (() => undefined);
  }

  /** Charges the payment once for its transactionId, or replays its recorded result; emits `payment.completed`. */
  async processPayment(input: PaymentInput, uid: string): Promise<ProcessPaymentResult> {
    const transactionId = input.transactionId ?? `txn_${randomUUID().replace(/-/g, '')}`;
    const started = this.now();
    try {
      const result = await this.decide(input, transactionId, uid, started);
      const outcome = result.replayed ? 'replayed' : result.status;
      this.emit('payment.completed', {
        transactionId,
        outcome,
        attempts: result.attempts,
        latencyMs: this.now() - started,
      });
      return result;
    } catch (err) {
      const outcome = (err as { code?: unknown }).code ?? 'error';
      this.emit('payment.completed', { transactionId, outcome, latencyMs: this.now() - started }, 'WARNING');
      throw err;
    }
  }

  /** A cheap request to the provider, recorded in its pool's health. */
  checkProviderHealth() {
    return this.deps.provider.checkHealth();
  }

  private async decide(input: PaymentInput, transactionId: string, uid: string, started: number) {
    const { ledger, provider, settings } = this.deps;
    const currency = normalizeCurrency(input.currency ?? 'USD');
    const amount = toMinorUnits(input.amount, currency, settings.maxAmount);
    const deadline = started + settings.totalTimeoutMs;
    const req: ChargeRequest = { transactionId, uid, amount, currency, paymentMethod: input.paymentMethod };
    const claim = await ledger.claim(req, settings.totalTimeoutMs + LOOKUP_TIMEOUT_MS + 5000);
    if (claim.kind === 'replay') return toResult(transactionId, claim.record, true);
    const ctx: CallContext = { req, claimId: claim.claimId, priorAttempts: claim.record.attempts, ref: '' };
    ctx.ref = claim.record.providerRef ?? (await this.prepare(ctx, deadline));
    if (claim.resolveFirst) {
      const look = await provider.lookup(ctx.ref, req, this.lookupTimeout(deadline, MIN_ATTEMPT_MS));
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
    return this.charge(ctx, deadline);
  }

  /** Lets the provider create what it needs (no money moves) and stores a reference that is not the transactionId. */
  private async prepare(ctx: CallContext, deadline: number): Promise<string> {
    const { req } = ctx;
    let ref: string;
    try {
      ref = await this.deps.provider.prepare(req, this.lookupTimeout(deadline, MIN_ATTEMPT_MS));
    } catch (err) {
      await this.record(ctx, {
        status: PaymentStatus.failed,
        attempts: ctx.priorAttempts,
        error: { code: 'PREPARE_FAILED', message: 'the provider could not prepare the payment; nothing was charged' },
      });
      throw new PaymentUnavailableError(req.transactionId, 1000, 'could not prepare the payment', err);
    }
    if (ref !== req.transactionId) await this.deps.ledger.attachProviderRef(req.transactionId, ctx.claimId, ref);
    return ref;
  }

  private async charge(ctx: CallContext, deadline: number): Promise<ProcessPaymentResult> {
    const { provider, breaker, settings } = this.deps;
    const attemptDeps: AttemptDeps = {
      provider,
      breaker,
      attempts: settings.attempts,
      attemptTimeoutMs: settings.attemptTimeoutMs,
      emit: this.emit,
      now: this.now,
      sleep: this.sleep,
    };
    const r = await chargeWithRetries(attemptDeps, ctx.ref, ctx.req, deadline);
    if (r.kind === 'charged') return this.finish(ctx, r.sent, r.charge, false);
    if (r.kind === 'rejected') return this.reject(ctx, r.sent, r.answer);
    return this.giveUp(ctx, r.sent, r.maybeCharged, r.reason, deadline);
  }

  /** A final refusal: certainly not charged. */
  private async reject(
    ctx: CallContext,
    sent: number,
    answer: Extract<ChargeAnswer, { kind: 'rejected' }>,
  ): Promise<never> {
    const id = ctx.req.transactionId;
    if (answer.httpStatus === 401 || answer.httpStatus === 403) {
      this.emit(
        'payment.provider_auth_rejected',
        { transactionId: id, httpStatus: answer.httpStatus, errorMessage: 'check PAYMENT_API_KEY' },
        'ERROR',
      );
    }
    await this.record(ctx, {
      status: PaymentStatus.failed,
      attempts: ctx.priorAttempts + sent,
      error: { code: `HTTP_${answer.httpStatus}`, message: answer.providerCode ?? 'rejected by provider' },
    });
    throw new PaymentRejectedError(id, answer.httpStatus, answer.providerCode);
  }

  /** No definite answer: resolve with a lookup when a charge may exist, else record `failed`. */
  private async giveUp(
    ctx: CallContext,
    sent: number,
    maybeCharged: boolean,
    last: GiveUp,
    deadline: number,
  ): Promise<ProcessPaymentResult> {
    const id = ctx.req.transactionId;
    const attempts = ctx.priorAttempts + sent;
    if (maybeCharged) {
      const look = await this.deps.provider.lookup(ctx.ref, ctx.req, this.lookupTimeout(deadline, 1000));
      if (look.kind === 'found') return this.finish(ctx, sent, look.charge, false);
      if (look.kind === 'unavailable') {
        await this.record(ctx, {
          status: PaymentStatus.unknown,
          attempts,
          error: { code: 'OUTCOME_UNKNOWN', message: `no answer after ${sent} attempt(s); lookup ${look.reason}` },
        });
        throw new PaymentUnknownError(id, last.cause);
      }
    }
    const retryAfterMs = Math.max(1000, last.retryAfterMs ?? 0);
    const code =
      { breaker: 'BREAKER_OPEN', 'rate-limited': 'RATE_LIMITED' }[last.kind as string] ?? 'PROVIDER_UNAVAILABLE';
    await this.record(ctx, {
      status: PaymentStatus.failed,
      attempts,
      error: { code, message: `not charged after ${sent} attempt(s)` },
    });
    if (last.kind === 'rate-limited') throw new PaymentRateLimitedError(id, retryAfterMs);
    const reason = last.kind === 'breaker' ? 'circuit open' : 'no answer';
    throw new PaymentUnavailableError(id, retryAfterMs, reason, last.cause);
  }

  /** Records a definite provider answer and returns the caller's result. */
  private async finish(
    ctx: CallContext,
    sent: number,
    charge: Charge,
    replayed: boolean,
  ): Promise<ProcessPaymentResult> {
    const outcome: PaymentOutcome = {
      status: charge.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined,
      attempts: ctx.priorAttempts + sent,
      chargeId: charge.chargeId,
      ...(charge.kind === 'declined' ? { declineCode: charge.declineCode } : {}),
    };
    await this.record(ctx, outcome);
    return toResult(
      ctx.req.transactionId,
      { amount: ctx.req.amount, currency: ctx.req.currency, ...outcome },
      replayed,
    );
  }

  /**
   * Writes the outcome. If the write fails the record stays `pending` with a
   * lease, and reconciliation (or the next call) resolves it from the provider.
   */
  private async record(ctx: CallContext, outcome: PaymentOutcome): Promise<void> {
    try {
      await this.deps.ledger.finalize(ctx.req.transactionId, ctx.claimId, outcome);
    } catch (err) {
      this.emit(
        'payment.ledger_write_failed',
        { transactionId: ctx.req.transactionId, status: outcome.status, errorCode: (err as { code?: string }).code },
        'ERROR',
      );
    }
  }

  private lookupTimeout(deadline: number, floor: number): number {
    return Math.min(LOOKUP_TIMEOUT_MS, Math.max(floor, deadline - this.now()));
  }
}
