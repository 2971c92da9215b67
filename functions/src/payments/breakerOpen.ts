import { BreakerState, PaymentStatus, type ProcessPaymentResult } from '../api/index.js';
import type { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import type { PaymentGuard } from './chargeAttempts.js';
import { claimStep } from './ledger/ledgerRules.js';
import type { PaymentLedger } from './ledger/paymentLedger.js';
import { PaymentUnavailableError, PaymentUnknownError } from './paymentErrors.js';
import { PaymentPhase, type PaymentEventSink } from './paymentEvents.js';
import type { PaymentRequest } from './paymentRequest.js';
import { toResult } from './paymentResult.js';
import type { ProviderMoney } from './provider/providerMoney.js';

/** Age up to which the breaker's local copy may refuse a payment without asking the fleet. */
const FRESH_BREAKER_MS = 1000;

/** Time left before the next probe of an open breaker's copy; 0 when it is not open. */
function openRemaining(b: { state: BreakerState; nextProbeAt: number | null }, now: number): number {
  return b.state === BreakerState.open && b.nextProbeAt !== null ? Math.max(0, b.nextProbeAt - now) : 0;
}

function isFresh(b: { syncedAt: number | null }, now: number): boolean {
  return b.syncedAt !== null && now - b.syncedAt < FRESH_BREAKER_MS;
}

/**
 * How long the breaker stays open, from a copy read in the last second; 0 when
 * it may be called or the copy is older (then the breaker refreshes it on the
 * call, so a fleet-wide reset reaches this instance within about a second).
 */
export function breakerOpenFor(breaker: PaymentGuard, now: number): number {
  const b = breaker.snapshot();
  return isFresh(b, now) ? openRemaining(b, now) : 0;
}

/**
 * An older copy that says open is re-read before the call goes on (one read,
 * waited for at most the breaker's refresh cap): during an outage the call that finds it
 * old would otherwise claim and record a payment only to be refused by the
 * breaker. False (nothing to wait for) in every other case.
 */
export function staleOpenCopy(breaker: PaymentGuard, now: number): boolean {
  const b = breaker.snapshot();
  return !isFresh(b, now) && openRemaining(b, now) > 0 && breaker.syncWithin !== undefined;
}

/** What answering while the breaker is open needs. */
export interface OpenBreakerDeps {
  ledger: PaymentLedger;
  emit: PaymentEventSink;
  now: () => number;
  money: Pick<ProviderMoney, 'minorDigits'>;
}

/**
 * Answers a payment while the breaker is open: nothing is claimed, and the
 * only write is the call's spend from its caller's per-user limits (every
 * call that passed validation spends; over a limit it is refused as limited).
 * One plain read, beside the spend, still answers the caller's own replay
 * (final records never change) and parameter check; everything else is
 * refused as not charged. Another user's record is answered like no record.
 */
export async function rejectWhileOpen(
  deps: OpenBreakerDeps,
  req: PaymentRequest,
  openFor: number,
  phases: PhaseTimer,
): Promise<ProcessPaymentResult> {
  const { ledger, now } = deps;
  const { transactionId } = req;
  const [spent, read] = await phases.time(PaymentPhase.lookup, () =>
    Promise.allSettled([ledger.spend(req), ledger.get(transactionId)]),
  );
  if (spent.status === 'rejected') throw spent.reason;
  if (read.status === 'rejected') throw read.reason;
  const existing = read.value;
  if (existing && existing.uid === req.uid) {
    const seen = claimStep(existing, req, 'read-only', now(), 0);
    if (seen.result.kind === 'replay') return toResult(transactionId, seen.result.record, true, deps.money);
    // It may be charged (unknown, waiting, or a call that died): never answer "not charged" for it.
    if (existing.status !== PaymentStatus.failed) throw new PaymentUnknownError(transactionId, undefined, openFor);
  }
  deps.emit({ type: 'payment.attempt', severity: 'WARNING', transactionId, attempt: 0, outcome: 'breaker-open' });
  throw new PaymentUnavailableError(transactionId, Math.max(1000, openFor), 'circuit open');
}
