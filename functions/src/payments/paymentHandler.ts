import { ConfigError, PAYMENT_LOOKUP_MS } from '../config/index.js';
import { PaymentStatus, type ProcessPaymentRequest, type ProcessPaymentResult } from '../api/index.js';
import { breakerOpenFor, rejectWhileOpen, staleOpenCopy } from './breakerOpen.js';
import { cancelFirst } from './cancelFirst.js';
import { chargeWithRetries, MIN_ATTEMPT_MS, type PaymentGuard } from './chargeAttempts.js';
import { LeaseFence } from './leaseFence.js';
import type { PaymentLedger } from './ledger/paymentLedger.js';
import { issueSeal, openSeal, type PaymentSeals } from './paymentSeals.js';
import { isAppError } from '../resilience/appError.js';
import { PaymentUnavailableError, PaymentUserLimitedError } from './paymentErrors.js';
import { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import { PaymentPhase, type PaymentEventSink } from './paymentEvents.js';
import { OutcomeRecorder } from './paymentOutcomes.js';
import { CallHistory } from './history/callHistory.js';
import { toResult, type CallState, type ClaimHold } from './paymentResult.js';
import { newTransactionId, pinned, toPaymentRequest, type MoneyPolicy, type PaymentRequest } from './paymentRequest.js';
import { chargeMismatch, PrepareRefusedError, type PaymentProvider } from './provider/paymentProvider.js';
import { settle } from './settlement.js';
import type { PaymentSettings } from './settingsFromConfig.js';

export { classifyAttempt, type PaymentGuard } from './chargeAttempts.js';

/** What the handler depends on: two ports, a guard, settings and an event sink. */
export interface PaymentHandlerDeps {
  ledger: PaymentLedger;
  provider: PaymentProvider;
  breaker: PaymentGuard;
  settings: PaymentSettings;
  /** Sealed reads of the caller's limits (the payload's and the answer's `seal`); none without. */
  seals?: PaymentSeals;
  events?: PaymentEventSink;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs one of the OutcomeRecorder's steps (the ledger write and what it tells) as the finalize phase. */
const finalize = <T>(phases: PhaseTimer, step: () => Promise<T>): Promise<T> =>
  phases.time(PaymentPhase.finalize, step);

/** Keys are used only until this share of the provider's retention has passed (a margin for clock skew). */
const KEY_SAFE_SHARE = 0.9;

/**
 * Processes payments so that none is charged twice or recorded "not charged"
 * while it may be: the ledger record is claimed before the provider is called,
 * every attempt carries the same idempotency key, an outcome that may be a
 * charge is resolved by a verified lookup instead of guessed, and "not found"
 * counts only once the provider can no longer be processing the request.
 */
export class PaymentHandler {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly emit: PaymentEventSink;
  private readonly outcomes: OutcomeRecorder;
  private readonly money: MoneyPolicy;

  /** Throws CONFIG_INVALID when PAYMENT_CURRENCIES names a currency the provider does not support. */
  constructor(private readonly deps: PaymentHandlerDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.emit = deps.events ?? (() => undefined);
    this.outcomes = new OutcomeRecorder(deps.ledger, this.emit, this.now, deps.provider.money);
    const { currencies, maxAmount } = deps.settings;
    const unsupported = (currencies ?? []).filter((c) => !deps.provider.money.currencies.has(c));
    if (unsupported.length > 0) {
      throw new ConfigError(`PAYMENT_CURRENCIES: the payment provider does not support ${unsupported.join(', ')}`, [
        'PAYMENT_CURRENCIES',
        'PAYMENT_PROVIDER',
      ]);
    }
    this.money = { maxAmount, money: deps.provider.money, currencies: currencies ? new Set(currencies) : undefined };
  }

  /**
   * Charges the payment once for its transactionId, or replays its recorded result; emits `payment.completed`.
   * The duration of each phase it runs goes to `phases` (PaymentPhase). A `seal` in `input` that opens for
   * `uid` stands in for the ledger's read of the caller's limits, and the answer carries the next one.
   */
  async processPayment(
    input: ProcessPaymentRequest,
    uid: string,
    phases: PhaseTimer = new PhaseTimer(),
  ): Promise<ProcessPaymentResult> {
    const transactionId = input.transactionId ?? newTransactionId();
    const started = this.now();
    try {
      const req = toPaymentRequest(input, transactionId, uid, this.money);
      if (input.seal) openSeal(this.deps.seals, uid, input.seal, phases);
      const result = this.sealed(await this.decide(req, started, phases), uid, phases);
      const outcome = result.replayed ? 'replayed' : result.status;
      const emitted = phases.start();
      this.emit({
        type: 'payment.completed',
        severity: 'INFO',
        transactionId,
        outcome,
        attempts: result.attempts,
        latencyMs: this.now() - started,
      });
      phases.add(PaymentPhase.events, emitted());
      return result;
    } catch (err) {
      // The error's code: ours (AppError), or a library error's as it gave it.
      const code = isAppError(err) ? err.code : (err as { code?: unknown } | undefined)?.code;
      const outcome = typeof code === 'string' || typeof code === 'number' ? String(code) : 'error';
      const fields = { transactionId, outcome, latencyMs: this.now() - started };
      // A refusal's reason (user-rate, user-in-flight), for the rejection counts.
      const refused = err instanceof PaymentUserLimitedError ? { reason: err.reason } : {};
      const emitted = phases.start();
      this.emit({ type: 'payment.completed', severity: 'WARNING', ...fields, ...refused });
      phases.add(PaymentPhase.events, emitted());
      throw err;
    }
  }

  /** The answer with a seal of the caller's limits as this call left them, when there is one to give. */
  private sealed(result: ProcessPaymentResult, uid: string, phases: PhaseTimer): ProcessPaymentResult {
    const seal = issueSeal(this.deps.seals, uid, phases);
    return seal ? { ...result, seal } : result;
  }

  private async decide(req: PaymentRequest, started: number, phases: PhaseTimer) {
    const { ledger, provider, settings } = this.deps;
    const { transactionId } = req;
    const deadline = started + settings.totalTimeoutMs;
    const breakerChecked = phases.start();
    if (staleOpenCopy(this.deps.breaker, this.now())) await this.deps.breaker.syncWithin!();
    const openFor = breakerOpenFor(this.deps.breaker, this.now());
    phases.add(PaymentPhase.breaker, breakerChecked());
    if (openFor > 0) {
      const open = { ledger, emit: this.emit, now: this.now, money: provider.money };
      return rejectWhileOpen(open, req, openFor, phases);
    }
    // A copy due for its once-a-second refresh is read while the claim is written, not after it.
    this.deps.breaker.prefetch?.();
    const claim = await phases.time(PaymentPhase.claim, () =>
      ledger.claim(pinned(req, provider), settings.totalTimeoutMs + PAYMENT_LOOKUP_MS + 5000),
    );
    if (claim.kind === 'replay') return toResult(transactionId, claim.record, true, provider.money);
    const { record } = claim;
    const keyUsableUntil = record.createdAt + KEY_SAFE_SHARE * settings.idempotencyTtlMs;
    const hold: ClaimHold = { req, claimId: claim.claimId, record, keyUsableUntil, history: new CallHistory(this.now) };
    const claimed: CallState = { sent: 0, version: claim.version, openAttemptAt: record.openAttemptAt };
    if (claim.resolveFirst) {
      const ref = record.providerRef ?? transactionId;
      const look = await phases.time(PaymentPhase.lookup, () =>
        hold.history.lookup(provider.lookup(ref, req, this.lookupTimeout(deadline, MIN_ATTEMPT_MS))),
      );
      const settleUntil = claim.settleFrom === null ? null : claim.settleFrom + settings.settleMs;
      const s = settle(look, req, settleUntil, this.now());
      if (s.kind !== 'not-charged') return finalize(phases, () => this.outcomes.conclude(hold, claimed, s, true));
    }
    if (this.now() + settings.attemptTimeoutMs > keyUsableUntil)
      return finalize(phases, () => this.outcomes.fail(hold, claimed, { kind: 'key-expired' }));
    const prepared = record.providerRef
      ? { ref: record.providerRef, state: claimed }
      : await phases.time(PaymentPhase.prepare, () => this.prepare(hold, claimed, deadline));
    if ('answer' in prepared) return prepared.answer;
    return this.charge(hold, prepared.state, prepared.ref, deadline, phases);
  }

  /**
   * Lets the provider create what it needs (no money moves) and stores a
   * reference that is not the transactionId; returns the reference and where
   * the call stands after (a stored reference changed the record); or, when
   * the provider refused the request, the answer of the final record it met.
   */
  private async prepare(
    hold: ClaimHold,
    state: CallState,
    deadline: number,
  ): Promise<{ ref: string; state: CallState } | { answer: ProcessPaymentResult }> {
    const { req } = hold;
    let ref: string;
    try {
      ref = await this.deps.provider.prepare(req, this.lookupTimeout(deadline, MIN_ATTEMPT_MS));
    } catch (err) {
      // The provider refused this request itself: sending it again would be refused again.
      if (err instanceof PrepareRefusedError) return { answer: await this.outcomes.reject(hold, state, err.answer) };
      await this.outcomes.record(hold, state, {
        status: PaymentStatus.failed,
        attempts: hold.record.attempts,
        error: { code: 'PREPARE_FAILED', message: 'the provider could not prepare the payment; nothing was charged' },
      });
      throw new PaymentUnavailableError(req.transactionId, 1000, 'could not prepare the payment', err);
    }
    if (ref === req.transactionId) return { ref, state };
    await this.deps.ledger.attachProviderRef(req.transactionId, hold.claimId, ref);
    return { ref, state: { ...state, version: null } };
  }

  /** The attempts (chargeWithRetries) and what their result means for the ledger and the caller. */
  private async charge(
    hold: ClaimHold,
    before: CallState,
    ref: string,
    deadline: number,
    phases: PhaseTimer,
  ): Promise<ProcessPaymentResult> {
    const { provider, breaker, settings } = this.deps;
    const { req } = hold;
    const fence = new LeaseFence(this.deps.ledger, hold);
    const attemptDeps = {
      ...{ provider, breaker, fence, ...settings, phases },
      ...{ emit: hold.history.tap(this.emit), now: this.now, sleep: this.sleep },
    };
    const r = await chargeWithRetries(attemptDeps, ref, req, deadline);
    const earlierOpen = typeof before.openAttemptAt === 'number' ? before.openAttemptAt : null;
    const after: CallState = {
      sent: r.sent,
      version: fence.renewed ? null : before.version,
      openAttemptAt: r.settleFrom ?? earlierOpen,
    };
    if (r.kind === 'charged') {
      // An answer that does not say this payment's amount and currency is no proof of its outcome.
      if (chargeMismatch(r.charge, req)) {
        const mismatch = {
          kind: 'mismatch' as const,
          charge: r.charge,
          expected: { amount: req.amount, currency: req.currency },
        };
        return finalize(phases, () => this.outcomes.conclude(hold, after, mismatch, false));
      }
      const decline = r.charge.kind === 'declined' ? r.charge : null;
      if (!decline) return finalize(phases, () => this.outcomes.finish(hold, after, r.charge, false));
      // Declined, but the PaymentIntent could still be confirmed client-side: "not charged" only once it is canceled.
      const cancel = await phases.time(PaymentPhase.lookup, () =>
        cancelFirst(provider, ref, req, 'decline', this.lookupTimeout(deadline, 1000)),
      );
      const declined = () => this.outcomes.finish(hold, after, decline, false);
      return finalize(phases, () => this.outcomes.afterCancel(hold, after, cancel, declined, decline));
    }
    if (r.kind === 'rejected') return finalize(phases, () => this.outcomes.reject(hold, after, r.answer));
    if (r.kind === 'claim-lost') return finalize(phases, () => this.outcomes.claimLost(hold));
    if (r.kind === 'waiting') return finalize(phases, () => this.outcomes.wait(hold, after, r, false));
    if (r.maybeCharged) {
      const look = await phases.time(PaymentPhase.lookup, () =>
        hold.history.lookup(provider.lookup(ref, req, this.lookupTimeout(deadline, 1000))),
      );
      const settleUntil = r.settleFrom === null ? null : r.settleFrom + settings.settleMs;
      const s = settle(look, req, settleUntil, this.now());
      if (s.kind !== 'not-charged')
        return finalize(phases, () => this.outcomes.conclude(hold, after, s, false, r.reason.cause));
      // Not found after the settle window: certain only once the provider's own payment is canceled.
      const cancel = await phases.time(PaymentPhase.lookup, () =>
        cancelFirst(provider, ref, req, 'unknown', this.lookupTimeout(deadline, 1000)),
      );
      const failed = () => this.outcomes.fail(hold, after, r.reason);
      return finalize(phases, () => this.outcomes.afterCancel(hold, after, cancel, failed));
    }
    return finalize(phases, () => this.outcomes.fail(hold, after, r.reason));
  }

  private lookupTimeout(deadline: number, floor: number): number {
    return Math.min(PAYMENT_LOOKUP_MS, Math.max(floor, deadline - this.now()));
  }
}
