import { PaymentStatus, SettledBy, type ProcessPaymentResult } from '../api/index.js';
import type { GiveUp } from './chargeAttempts.js';
import type { PaymentEventSink } from './paymentEvents.js';
import type { LedgerIncident, PaymentLedger, PaymentOutcome, PaymentRecord } from './ledger/paymentLedger.js';
import {
  PaymentInProgressError,
  PaymentKeyExpiredError,
  PaymentRateLimitedError,
  PaymentRejectedError,
  PaymentUnavailableError,
  PaymentUnknownError,
} from './paymentErrors.js';
import { answerFor, toResult, type CallState, type ClaimHold } from './paymentResult.js';
import type { Charge, ChargeAnswer, PendingState } from './provider/paymentProvider.js';
import type { ProviderMoney } from './provider/providerMoney.js';
import { settleCharge, unknownError, type Settlement } from './settlement.js';
import type { AfterCancel } from './cancelFirst.js';
import { settledEvent } from './paymentSettled.js';
import { userActor } from './history/historyEvents.js';

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
 * What writing an outcome met: a final record (whose outcome stands, so the
 * caller is answered from it), a lost claim, or neither (written, or the write
 * failed and the record stays pending).
 */
export type Recorded = { kind: 'final'; record: PaymentRecord } | { kind: 'lost' } | { kind: 'done' };

/**
 * How a payment call ends: writes what it learned to the ledger (a definite
 * answer even after a lost claim; `unknown` when a charge may exist; `failed`
 * only when certainly not charged) and turns it into the caller's answer.
 * When the write meets a final record (settled first by a webhook,
 * reconciliation or another call), the answer is that record's, as a replay
 * would give it, whatever this call learned. Every method takes the call's
 * hold on the payment and where it stands (values its steps returned) and
 * changes neither.
 */
export class OutcomeRecorder {
  constructor(
    private readonly ledger: PaymentLedger,
    private readonly emit: PaymentEventSink,
    private readonly now: () => number,
    private readonly money: ProviderMoney,
  ) {}

  /** Records what a lookup proved, other than "not charged": the charge, or `unknown`. `cause`: why attempts gave up. */
  async conclude(
    hold: ClaimHold,
    state: CallState,
    s: Exclude<Settlement, { kind: 'not-charged' }>,
    replayed: boolean,
    cause?: unknown,
  ): Promise<ProcessPaymentResult> {
    const { transactionId } = hold.req;
    if (s.kind === 'charged') return this.finish(hold, state, s.charge, replayed);
    if (s.kind === 'pending') return this.wait(hold, state, s, replayed);
    if (s.kind === 'canceled') return this.canceled(hold, state, replayed);
    if (s.kind === 'mismatch') {
      this.emit({
        type: 'payment.charge_mismatch',
        severity: 'ERROR',
        transactionId,
        chargeId: s.charge.chargeId,
        expected: s.expected,
        found: { amount: s.charge.amount, currency: s.charge.currency },
      });
      await this.countIncident('mismatches');
    }
    const error = unknownError(s);
    const r = await this.record(hold, state, {
      status: PaymentStatus.unknown,
      attempts: attempts(hold, state),
      error,
    });
    if (r.kind === 'final') return this.fromFinal(hold, state, r.record);
    if (r.kind === 'lost') return this.claimLost(hold);
    const retryAfterMs = s.kind === 'settling' ? s.until - this.now() : undefined;
    throw new PaymentUnknownError(transactionId, cause, retryAfterMs);
  }

  /** Certainly not charged: records `failed` and says why (unless the record was already final). */
  async fail(hold: ClaimHold, state: CallState, reason: GiveUp): Promise<ProcessPaymentResult> {
    const id = hold.req.transactionId;
    const r = await this.record(hold, state, {
      status: PaymentStatus.failed,
      attempts: attempts(hold, state),
      error: { code: FAILED_CODES[reason.kind], message: `not charged after ${state.sent} attempt(s)` },
    });
    if (r.kind === 'final') return this.fromFinal(hold, state, r.record);
    if (r.kind === 'lost') return this.claimLost(hold);
    const retryAfterMs = Math.max(1000, reason.retryAfterMs ?? 0);
    if (reason.kind === 'key-expired') throw new PaymentKeyExpiredError(id);
    if (reason.kind === 'rate-limited') throw new PaymentRateLimitedError(id, retryAfterMs);
    const why = FAILED_WHY[reason.kind] ?? 'no answer';
    throw new PaymentUnavailableError(id, retryAfterMs, why, reason.cause);
  }

  /** A final refusal: certainly not charged (unless the record was already final). */
  async reject(
    hold: ClaimHold,
    state: CallState,
    answer: Extract<ChargeAnswer, { kind: 'rejected' }>,
  ): Promise<ProcessPaymentResult> {
    const id = hold.req.transactionId;
    if (answer.httpStatus === 401 || answer.httpStatus === 403) {
      this.emit({
        type: 'payment.provider_auth_rejected',
        severity: 'ERROR',
        transactionId: id,
        httpStatus: answer.httpStatus,
        errorMessage: 'check PAYMENT_API_KEY',
      });
    }
    const r = await this.record(hold, state, {
      status: PaymentStatus.failed,
      attempts: attempts(hold, state),
      error: { code: `HTTP_${answer.httpStatus}`, message: answer.providerCode ?? 'rejected by provider' },
    });
    if (r.kind === 'final') return this.fromFinal(hold, state, r.record);
    if (r.kind === 'lost') return this.claimLost(hold);
    throw new PaymentRejectedError(id, answer.httpStatus, answer.providerCode);
  }

  /** Records a definite provider answer (even after losing the claim: it is the truth) and returns what stands. */
  async finish(hold: ClaimHold, state: CallState, charge: Charge, replayed: boolean): Promise<ProcessPaymentResult> {
    const outcome: PaymentOutcome = {
      status: charge.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined,
      attempts: attempts(hold, state),
      chargeId: charge.chargeId,
      ...(charge.kind === 'declined' ? { declineCode: charge.declineCode } : {}),
    };
    const r = await this.record(hold, state, outcome);
    if (r.kind === 'final') return this.fromFinal(hold, state, r.record);
    return answerFor(hold.req, outcome, replayed, this.money);
  }

  /**
   * Records what the cancel before "not charged" left (cancelFirst.ts): a
   * certain "not charged" as its status (`declined` with the call's `decline`,
   * `failed` through `fallback`), the charge the provider made first, a
   * payment still waiting, or `unknown`. A provider that cannot cancel gets
   * `fallback`, the rule it had before.
   */
  async afterCancel(
    hold: ClaimHold,
    state: CallState,
    after: AfterCancel,
    fallback: () => Promise<ProcessPaymentResult>,
    decline?: Extract<Charge, { kind: 'declined' }>,
  ): Promise<ProcessPaymentResult> {
    switch (after.kind) {
      case 'no-cancel':
        return fallback();
      case 'charged':
        return this.conclude(hold, state, settleCharge(after.charge, hold.req), false);
      case 'waiting':
        return this.wait(hold, state, { state: after.status }, false);
      case 'open':
        return this.conclude(hold, state, { kind: 'unanswered', reason: after.reason }, false);
      case 'not-charged':
        if (after.status === PaymentStatus.canceled) return this.canceled(hold, state, false);
        if (after.status === PaymentStatus.declined && decline) return this.finish(hold, state, decline, false);
        return fallback();
    }
  }

  /** Records a payment whose provider payment is canceled (never charged, never chargeable) and answers it. */
  async canceled(hold: ClaimHold, state: CallState, replayed: boolean): Promise<ProcessPaymentResult> {
    const outcome: PaymentOutcome = { status: PaymentStatus.canceled, attempts: attempts(hold, state) };
    const r = await this.record(hold, state, outcome);
    if (r.kind === 'final') return this.fromFinal(hold, state, r.record);
    if (r.kind === 'lost') return this.claimLost(hold);
    return answerFor(hold.req, outcome, replayed, this.money);
  }

  /** Records a payment the provider accepted and is still working on, and answers its state. */
  async wait(
    hold: ClaimHold,
    state: CallState,
    p: { state: PendingState; clientSecret?: string | undefined },
    replayed: boolean,
  ): Promise<ProcessPaymentResult> {
    const outcome: PaymentOutcome = { status: p.state, attempts: attempts(hold, state) };
    const r = await this.record(hold, state, outcome);
    if (r.kind === 'final') return this.fromFinal(hold, state, r.record);
    if (r.kind === 'lost') return this.claimLost(hold);
    return answerFor(hold.req, outcome, replayed, this.money, p.clientSecret);
  }

  /**
   * The answer from the final record a write met: what a replay answers, but
   * `replayed` only when this call sent no attempt (else its own request may be the charge).
   */
  private fromFinal(hold: ClaimHold, state: CallState, record: PaymentRecord): ProcessPaymentResult {
    return toResult(hold.req.transactionId, record, state.sent === 0, this.money);
  }

  /** Another call (or reconciliation) holds the record now; it will settle it. */
  claimLost(hold: ClaimHold): never {
    throw new PaymentInProgressError(hold.req.transactionId, 1000);
  }

  /**
   * Writes the outcome and says what it met: a final record (logged as a
   * conflict when it contradicts the outcome), or a lost claim (then only a
   * definite answer was written). If the write fails the record stays
   * `pending` with a lease, and reconciliation (or the next call) resolves it
   * from the provider.
   */
  async record(hold: ClaimHold, state: CallState, outcome: PaymentOutcome): Promise<Recorded> {
    const { transactionId } = hold.req;
    const { openAttemptAt } = state;
    const history = { actor: userActor(hold.req.uid), drafts: hold.history.drafts };
    const full = { ...outcome, ...(openAttemptAt === undefined ? {} : { openAttemptAt }), history };
    try {
      const expected = { record: hold.record, version: state.version };
      const r = await this.ledger.finalize(transactionId, hold.claimId, full, expected);
      const settled = settledEvent(transactionId, hold.req, outcome, r, SettledBy.payment, PaymentStatus.pending);
      if (settled) this.emit(settled);
      if (r.conflict) {
        const { conflict: stored } = r;
        this.emit({ type: 'payment.final_conflict', severity: 'ERROR', transactionId, stored, status: outcome.status });
      }
      if (r.lateSuccessOver) {
        const { lateSuccessOver: stored } = r;
        const { chargeId } = outcome;
        this.emit({
          type: 'payment.late_success',
          severity: 'ERROR',
          transactionId,
          stored,
          chargeId,
          source: 'payment',
        });
        await this.countIncident('lateSuccesses');
      }
      if (r.claimLost) {
        const { written } = r;
        this.emit({ type: 'payment.claim_lost', severity: 'ERROR', transactionId, status: outcome.status, written });
        await this.countIncident('lostClaims');
      }
      if (r.final) return { kind: 'final', record: r.final };
      return { kind: r.claimLost ? 'lost' : 'done' };
    } catch (err) {
      const errorCode = (err as { code?: string }).code;
      this.emit({
        type: 'payment.ledger_write_failed',
        severity: 'ERROR',
        transactionId,
        status: outcome.status,
        errorCode,
      });
      return { kind: 'done' };
    }
  }

  async countIncident(kind: LedgerIncident): Promise<void> {
    await this.ledger.countIncident(kind).catch(() => undefined);
  }
}

/** Attempts recorded for the payment: earlier calls' and this call's. */
const attempts = (hold: ClaimHold, state: CallState): number => hold.record.attempts + state.sent;
