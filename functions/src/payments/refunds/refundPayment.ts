import { PAYMENT_LOOKUP_MS } from '../../config/index.js';
import { RefundStatus, type RefundPaymentRequest, type RefundPaymentResult } from '../../api/index.js';
import { isAppError } from '../../resilience/appError.js';
import type { PaymentGuard } from '../chargeAttempts.js';
import type { ProviderMoney } from '../provider/providerMoney.js';
import type { PaymentSettings } from '../settingsFromConfig.js';
import { refundWithRetries } from './refundAttempts.js';
import {
  RefundFailedError,
  RefundInProgressError,
  RefundUnavailableError,
  RefundUnknownError,
} from './refundErrors.js';
import type { RefundMoney, RefundOutcome, RefundRecord, RefundTotals } from './refundLedger.js';
import { refundMoney } from './refundMoney.js';
import { refundMismatchFound, writeRefundOutcome, type HeldRefund, type RefundWriter } from './refundOutcomes.js';
import type { ProviderRefund, RefundProvider, RefundRequest } from './refundProvider.js';
import { settleRefund } from './refundSettlement.js';

/** What a refund needs: the ledgers (refunds, and incidents), the provider port, the provider's breaker, settings. */
export interface RefundDeps extends RefundWriter {
  provider: RefundProvider;
  breaker: PaymentGuard;
  /** Attempts, deadlines, PAYMENT_MAX_AMOUNT, PAYMENT_SETTLE_MS and PAYMENT_IDEMPOTENCY_TTL_MS: the charge rules. */
  settings: PaymentSettings;
  /** The provider's minor units (the PaymentProvider's). */
  money: ProviderMoney;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Lease beyond the call's deadline: a lookup and the outcome's write. */
export const REFUND_LEASE_MARGIN_MS = PAYMENT_LOOKUP_MS + 5000;
/** Keys are used only until this share of the provider's retention has passed (as for charges). */
const KEY_SAFE_SHARE = 0.9;

/** One call's state. */
interface Call {
  deps: RefundDeps;
  held: HeldRefund;
  req: RefundRequest;
  money: RefundMoney;
  now: () => number;
}

/**
 * Refunds a payment (all that is left, or `amount` major units) once per
 * refundId, or answers the recorded refund again. The refund is written ahead
 * of anything sent, every attempt carries the same key, an open answer is
 * resolved by a verified lookup, a refund is `failed` only when the provider
 * certainly did not make it, and a key older than the provider's retention is
 * never sent again. Emits `refund.completed`. Throws the ledger's refusals
 * (RefundLedger.claimRefund), REFUND_UNAVAILABLE (nothing refunded),
 * REFUND_UNKNOWN (maybe refunded), REFUND_FAILED and REFUND_IN_PROGRESS.
 */
export async function refundPayment(
  deps: RefundDeps,
  input: RefundPaymentRequest,
  caller: { uid: string },
): Promise<RefundPaymentResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const done = (outcome: string, severity: 'INFO' | 'WARNING') =>
    deps.emit({
      type: 'refund.completed',
      severity,
      transactionId: input.transactionId,
      refundId: input.refundId,
      outcome,
      latencyMs: now() - started,
    });
  try {
    const result = await run(deps, input, caller, now);
    done(result.replayed ? 'replayed' : result.status, 'INFO');
    return result;
  } catch (err) {
    done(isAppError(err) ? err.code : 'error', 'WARNING');
    throw err;
  }
}

async function run(
  deps: RefundDeps,
  input: RefundPaymentRequest,
  caller: { uid: string },
  now: () => number,
): Promise<RefundPaymentResult> {
  const { settings } = deps;
  const started = now();
  const money = refundMoney(deps.money, settings.maxAmount);
  const claim = await deps.ledger.claimRefund(
    {
      transactionId: input.transactionId,
      refundId: input.refundId,
      amount: input.amount,
      reason: input.reason ?? null,
      requestedBy: caller.uid,
      money,
      seal: input.seal,
    },
    settings.totalTimeoutMs + REFUND_LEASE_MARGIN_MS,
  );
  if (claim.kind === 'replay') return answer(claim.refund, claim.totals, true, money, now());
  const { refund } = claim;
  if (claim.fresh) {
    deps.emit({
      type: 'refund.requested',
      severity: 'INFO',
      transactionId: refund.transactionId,
      refundId: refund.refundId,
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason,
      requestedBy: caller.uid,
    });
  }
  // Claimed open (unknown, or a dead call's pending) or new.
  const before = claim.resolveFirst ? RefundStatus.unknown : RefundStatus.pending;
  const held = { refund, before, claimId: claim.claimId, version: claim.version, totals: claim.totals };
  const req: RefundRequest = {
    transactionId: refund.transactionId,
    refundId: refund.refundId,
    uid: refund.uid,
    amount: refund.amount,
    currency: refund.currency,
    ...(refund.reason ? { reason: refund.reason } : {}),
  };
  const call: Call = { deps, held, req, money, now };
  let open = claim.settleFrom;
  if (claim.resolveFirst) {
    const settled = await lookUp(call, open, refund.attempts);
    if (settled) return settled;
  }
  // The key's first use: now for a new request; the refund's creation for one that may have been sent.
  const keyFrom = claim.fresh ? started : refund.createdAt;
  const sendUntil = Math.min(
    (refund.leaseUntil ?? 0) - REFUND_LEASE_MARGIN_MS,
    keyFrom + settings.idempotencyTtlMs * KEY_SAFE_SHARE,
  );
  const r = await refundWithRetries(
    {
      provider: deps.provider,
      breaker: deps.breaker,
      attempts: settings.attempts,
      attemptTimeoutMs: settings.attemptTimeoutMs,
      sendUntil,
      emit: deps.emit,
      now,
      sleep: deps.sleep ?? ((ms) => new Promise((res) => setTimeout(res, ms))),
    },
    refund.paymentRef,
    req,
    started + settings.totalTimeoutMs,
  );
  const attempts = refund.attempts + r.sent;
  open = Math.max(open ?? 0, r.settleFrom ?? 0) || null;
  if (r.kind === 'refund') return settled(call, r.refund, attempts, open);
  if (!r.maybeRefunded) {
    const why = r.kind === 'rejected' ? `the provider refused it (HTTP ${r.httpStatus})` : r.why;
    await write(call, {
      status: RefundStatus.failed,
      attempts,
      openAttemptAt: null,
      error: { code: 'REFUND_UNAVAILABLE', message: why },
    });
    const extra =
      r.kind === 'rejected'
        ? { providerStatus: r.httpStatus, ...(r.providerCode ? { providerCode: r.providerCode } : {}) }
        : r.retryAfterMs === undefined
          ? {}
          : { retryAfterMs: r.retryAfterMs };
    throw new RefundUnavailableError(req.transactionId, req.refundId, why, extra);
  }
  const resolved = await lookUp(call, open, attempts);
  if (resolved) return resolved;
  // Not found and nothing open: the provider failed each attempt and made no refund.
  await write(call, {
    status: RefundStatus.failed,
    attempts,
    openAttemptAt: null,
    error: { code: 'REFUND_UNAVAILABLE', message: 'the provider failed and made no refund' },
  });
  throw new RefundUnavailableError(req.transactionId, req.refundId, 'the provider failed and made no refund');
}

/**
 * Asks the provider what became of the refund: settled from a verified
 * answer; left `unknown` (thrown) while it may still be made or nobody can
 * tell; null when it was certainly not made.
 */
async function lookUp(call: Call, open: number | null, attempts: number): Promise<RefundPaymentResult | null> {
  const { deps, held, req, now } = call;
  const known = held.refund.providerRefundId ?? undefined;
  const look = await deps.provider.lookupRefund(held.refund.paymentRef, req, known, PAYMENT_LOOKUP_MS);
  const s = settleRefund(look, held.refund, open, deps.settings.settleMs, now());
  switch (s.kind) {
    case 'found':
      return settled(call, s.refund, attempts, open);
    case 'not-made':
      return null;
    case 'mismatch': {
      await refundMismatchFound(deps, held.refund, s.refund, 'call');
      const message = `the provider's refund ${s.refund.providerRefundId} has another amount or currency; a person must look`;
      await write(call, {
        status: RefundStatus.unknown,
        attempts,
        openAttemptAt: open,
        error: { code: 'REFUND_MISMATCH', message },
      });
      throw new RefundUnknownError(req.transactionId, req.refundId);
    }
    case 'settling':
    case 'unanswered': {
      const message = s.kind === 'settling' ? 'the provider may still make it' : s.reason;
      await write(call, {
        status: RefundStatus.unknown,
        attempts,
        openAttemptAt: open,
        error: { code: 'REFUND_UNKNOWN', message },
      });
      throw new RefundUnknownError(
        req.transactionId,
        req.refundId,
        s.kind === 'settling' ? s.until - now() : undefined,
      );
    }
  }
}

/** Records the provider's refund (same amount and currency) and answers it. */
async function settled(
  call: Call,
  pr: ProviderRefund,
  attempts: number,
  open: number | null,
): Promise<RefundPaymentResult> {
  const { deps, held, req, money } = call;
  if (pr.amount !== req.amount || pr.currency.toUpperCase() !== req.currency) {
    await refundMismatchFound(deps, held.refund, pr, 'call');
    const message = `the provider's refund ${pr.providerRefundId} has another amount or currency; a person must look`;
    await write(call, {
      status: RefundStatus.unknown,
      attempts,
      openAttemptAt: open,
      error: { code: 'REFUND_MISMATCH', message },
    });
    throw new RefundUnknownError(req.transactionId, req.refundId);
  }
  const outcome: RefundOutcome = {
    status: pr.status,
    attempts,
    providerRefundId: pr.providerRefundId,
    failureReason: pr.failureReason ?? null,
    openAttemptAt: null,
    ...(pr.status === RefundStatus.pending ? { nextCheckAt: call.now() } : {}),
  };
  const r = await writeRefundOutcome(deps, held, outcome, 'call', pr);
  return answer(r.refund, r.totals, false, money, call.now());
}

async function write(call: Call, outcome: RefundOutcome): Promise<void> {
  await writeRefundOutcome(call.deps, call.held, outcome, 'call');
}

/** The answer for a refund as it stands: succeeded or waiting at the provider; anything else is thrown. */
function answer(
  r: RefundRecord,
  totals: RefundTotals,
  replayed: boolean,
  money: RefundMoney,
  now: number,
): RefundPaymentResult {
  const { transactionId, refundId, currency } = r;
  if (r.status === RefundStatus.succeeded || (r.status === RefundStatus.pending && r.claimId === null)) {
    return {
      transactionId,
      refundId,
      status: r.status,
      amount: money.toMajor(r.amount, currency),
      currency,
      refundedAmount: money.toMajor(totals.refundedAmount, currency),
      replayed,
    };
  }
  if (r.status === RefundStatus.pending)
    throw new RefundInProgressError(transactionId, refundId, Math.max(0, (r.leaseUntil ?? 0) - now));
  if (r.status === RefundStatus.unknown) throw new RefundUnknownError(transactionId, refundId);
  if (r.providerRefundId !== null) throw new RefundFailedError(transactionId, refundId, r.failureReason);
  throw new RefundUnavailableError(transactionId, refundId, r.error?.message ?? 'not refunded');
}
