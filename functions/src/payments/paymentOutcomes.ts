import { PaymentStatus, type ProcessPaymentResult } from '../api/index.js';
import type { GiveUp } from './chargeAttempts.js';
import type { PaymentEventSink } from './paymentEvents.js';
import type { PaymentLedger, PaymentOutcome } from './ledger/paymentLedger.js';
import {
  PaymentInProgressError,
  PaymentKeyExpiredError,
  PaymentRateLimitedError,
  PaymentRejectedError,
  PaymentUnavailableError,
  PaymentUnknownError,
} from './paymentErrors.js';
import { toResult, type CallContext } from './paymentResult.js';
import type { Charge, ChargeAnswer, PendingState } from './provider/paymentProvider.js';
import { unknownError, type Settlement } from './settlement.js';
import type { AttemptTrace } from './chargeAttempts.js';

/** The code written for a failed payment, by why its attempts ended. */
const FAILED_CODES: Record<GiveUp['kind'], string> = {
  breaker: 'BREAKER_OPEN',
  'rate-limited': 'RATE_LIMITED',
  'key-expired': 'KEY_EXPIRED',
  'no-time': 'NOT_SENT',
  transport: 'PROVIDER_UNAVAILABLE',
  local: 'NOT_SENT_LOCAL',
  'server-error': 'PROVIDER_UNAVAILABLE',
  indeterminate: 'PROVIDER_UNAVAILABLE',
};

/** How an unavailable answer explains a failed payment, where it says more than "no answer". */
const FAILED_WHY: Partial<Record<GiveUp['kind'], string>> = {
  breaker: 'circuit open',
  'no-time': 'no time left',
  local: 'no free connection to the provider in time',
};

/**
 * How a payment call ends: writes what it learned to the ledger (a definite
 * answer even after a lost claim; `unknown` when a charge may exist; `failed`
 * only when certainly not charged) and turns it into the caller's answer.
 */
export class OutcomeRecorder {
  constructor(
    private readonly ledger: PaymentLedger,
    private readonly emit: PaymentEventSink,
    private readonly now: () => number,
  ) {}

  /** Records what a lookup proved, other than "not charged": the charge, or `unknown`. */
  async conclude(
    ctx: CallContext,
    s: Exclude<Settlement, { kind: 'not-charged' }>,
    sent: number,
    replayed: boolean,
    trace?: AttemptTrace,
  ): Promise<ProcessPaymentResult> {
    const { transactionId } = ctx.req;
    if (s.kind === 'charged') return this.finish(ctx, sent, s.charge, replayed);
    if (s.kind === 'pending') return this.wait(ctx, sent, s, replayed);
    if (s.kind === 'mismatch') {
      this.emit({
        type: 'payment.charge_mismatch',
        severity: 'ERROR',
        transactionId,
        chargeId: s.charge.chargeId,
        expected: { amount: ctx.req.amount, currency: ctx.req.currency },
        found: { amount: s.charge.amount, currency: s.charge.currency },
      });
      await this.countIncident('mismatches');
    }
    const error = unknownError(s);
    const lost = await this.record(ctx, { status: PaymentStatus.unknown, attempts: ctx.priorAttempts + sent, error });
    if (lost) return this.claimLost(ctx);
    const retryAfterMs = s.kind === 'settling' ? s.until - this.now() : undefined;
    const cause = trace && 'reason' in trace ? (trace.reason as GiveUp).cause : undefined;
    throw new PaymentUnknownError(transactionId, cause, retryAfterMs);
  }

  /** Certainly not charged: records `failed` and says why. */
  async fail(ctx: CallContext, sent: number, reason: GiveUp): Promise<never> {
    const id = ctx.req.transactionId;
    const lost = await this.record(ctx, {
      status: PaymentStatus.failed,
      attempts: ctx.priorAttempts + sent,
      error: { code: FAILED_CODES[reason.kind], message: `not charged after ${sent} attempt(s)` },
    });
    if (lost) return this.claimLost(ctx);
    const retryAfterMs = Math.max(1000, reason.retryAfterMs ?? 0);
    if (reason.kind === 'key-expired') throw new PaymentKeyExpiredError(id);
    if (reason.kind === 'rate-limited') throw new PaymentRateLimitedError(id, retryAfterMs);
    const why = FAILED_WHY[reason.kind] ?? 'no answer';
    throw new PaymentUnavailableError(id, retryAfterMs, why, reason.cause);
  }

  /** A final refusal: certainly not charged. */
  async reject(ctx: CallContext, sent: number, answer: Extract<ChargeAnswer, { kind: 'rejected' }>): Promise<never> {
    const id = ctx.req.transactionId;
    if (answer.httpStatus === 401 || answer.httpStatus === 403) {
      this.emit({
        type: 'payment.provider_auth_rejected',
        severity: 'ERROR',
        transactionId: id,
        httpStatus: answer.httpStatus,
        errorMessage: 'check PAYMENT_API_KEY',
      });
    }
    const lost = await this.record(ctx, {
      status: PaymentStatus.failed,
      attempts: ctx.priorAttempts + sent,
      error: { code: `HTTP_${answer.httpStatus}`, message: answer.providerCode ?? 'rejected by provider' },
    });
    if (lost) return this.claimLost(ctx);
    throw new PaymentRejectedError(id, answer.httpStatus, answer.providerCode);
  }

  /** Records a definite provider answer (even after losing the claim: it is the truth) and returns it. */
  async finish(ctx: CallContext, sent: number, charge: Charge, replayed: boolean): Promise<ProcessPaymentResult> {
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

  /** Records a payment the provider accepted and is still working on, and answers its state. */
  async wait(
    ctx: CallContext,
    sent: number,
    p: { state: PendingState; clientSecret?: string | undefined },
    replayed: boolean,
  ): Promise<ProcessPaymentResult> {
    const status = p.state === 'requires_action' ? PaymentStatus.requiresAction : PaymentStatus.processing;
    const outcome: PaymentOutcome = { status, attempts: ctx.priorAttempts + sent };
    if (await this.record(ctx, outcome)) return this.claimLost(ctx);
    const r = { amount: ctx.req.amount, currency: ctx.req.currency, ...outcome };
    return toResult(ctx.req.transactionId, r, replayed, p.clientSecret);
  }

  /** Another call (or reconciliation) holds the record now; it will settle it. */
  claimLost(ctx: CallContext): never {
    throw new PaymentInProgressError(ctx.req.transactionId, 1000);
  }

  /**
   * Writes the outcome; true when the claim was lost (then only a definite
   * answer was written). If the write fails the record stays `pending` with a
   * lease, and reconciliation (or the next call) resolves it from the provider.
   */
  async record(ctx: CallContext, outcome: PaymentOutcome): Promise<boolean> {
    const { transactionId } = ctx.req;
    const full = ctx.openAttemptAt === undefined ? outcome : { ...outcome, openAttemptAt: ctx.openAttemptAt };
    try {
      const expected = { ...ctx.claimed };
      ctx.claimed.version = null;
      const r = await this.ledger.finalize(transactionId, ctx.claimId, full, expected);
      if (r.conflict) {
        const { conflict: stored } = r;
        this.emit({ type: 'payment.final_conflict', severity: 'ERROR', transactionId, stored, status: outcome.status });
      }
      if (r.claimLost) {
        const { written } = r;
        this.emit({ type: 'payment.claim_lost', severity: 'ERROR', transactionId, status: outcome.status, written });
        await this.countIncident('lostClaims');
      }
      return r.claimLost;
    } catch (err) {
      const errorCode = (err as { code?: string }).code;
      this.emit({
        type: 'payment.ledger_write_failed',
        severity: 'ERROR',
        transactionId,
        status: outcome.status,
        errorCode,
      });
      return false;
    }
  }

  async countIncident(kind: 'lostClaims' | 'mismatches'): Promise<void> {
    await this.ledger.countIncident(kind).catch(() => undefined);
  }
}
