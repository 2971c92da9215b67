import { PaymentStatus, type RefundReason } from '../../api/index.js';
import { ISO_4217_MONEY } from '../iso4217.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import { requestHash, type PaymentRecord } from '../ledger/paymentLedger.js';
import type { UserLimitSettings } from '../limits/userLimiter.js';
import { MemoryRefundLedger } from '../refunds/memoryRefundLedger.js';
import type { RefundClaimRequest } from '../refunds/refundLedger.js';
import { refundMoney } from '../refunds/refundMoney.js';
import { refundPayment, type RefundDeps } from '../refunds/refundPayment.js';
import { MemoryBreakerStore } from '../../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../../resilience/breaker/circuitBreaker.js';
import type { PaymentSettings } from '../settingsFromConfig.js';
import { SETTINGS } from './handlerKit.js';

/** The refund tests' clock start and claim lease. */
export const NOW = 1_000_000;
export const LEASE = 30_000;
/** Money as the generic contract reads it (ISO 4217), at most 10 000 major units. */
export const MONEY = refundMoney(ISO_4217_MONEY, 10_000);

/** A `succeeded` payment of 100.00 USD (10000 minor) by u1, with `over` applied. */
export function payment(over: Partial<PaymentRecord> = {}): PaymentRecord {
  const base = { uid: 'u1', amount: 10_000, currency: 'USD', paymentMethod: 'credit_card' as const };
  return {
    ...base,
    status: PaymentStatus.succeeded,
    attempts: 1,
    chargeId: 'ch_1',
    requestHash: requestHash(base),
    claimId: null,
    leaseUntil: null,
    createdAt: NOW - 60_000,
    updatedAt: NOW - 60_000,
    ...over,
  };
}

/** A memory ledger holding `payment()` as `tx-1` and a refund ledger over it, on a clock tests move. */
export function refundLedgers(opts: { payment?: Partial<PaymentRecord>; limits?: UserLimitSettings } = {}) {
  const clock = { t: NOW };
  const now = () => clock.t;
  const payments = new MemoryLedger(now, opts.limits);
  payments.put('tx-1', payment(opts.payment));
  const refunds = new MemoryRefundLedger(payments, now, opts.limits);
  return { clock, payments, refunds, totals: () => totalsNow(payments) };
}

function totalsNow(payments: MemoryLedger) {
  const p = payments.peek('tx-1');
  return { refundedAmount: p?.refundedAmount ?? 0, pendingRefundAmount: p?.pendingRefundAmount ?? 0 };
}

/** A claim request for refund `refundId` of tx-1 by admin a1; `amount` in major units (undefined: the rest). */
export function ask(refundId: string, amount?: number, reason: RefundReason | null = null): RefundClaimRequest {
  return { transactionId: 'tx-1', refundId, amount, reason, requestedBy: 'a1', money: MONEY };
}

/** What a refund flow test supplies to {@link adminRefundCall}: its ledgers, provider and money, read per call. */
export type RefundFlowDeps = Pick<RefundDeps, 'ledger' | 'incidents' | 'provider' | 'money' | 'sleep'>;

/**
 * `refundPayment` as an admin (`admin`) with the deps `deps()` returns at each call (tests make new ledgers
 * before each test), a breaker that never opens in a test and the base settings with `timeouts`.
 */
export function adminRefundCall(
  deps: () => RefundFlowDeps,
  timeouts: Pick<PaymentSettings, 'attemptTimeoutMs' | 'totalTimeoutMs' | 'settleMs'>,
) {
  return (transactionId: string, refundId: string, amount?: number) =>
    refundPayment(
      {
        ...deps(),
        breaker: new FleetCircuitBreaker('payment-service', new MemoryBreakerStore(), { minCalls: 100 }),
        settings: { ...SETTINGS, ...timeouts },
        emit: () => undefined,
      },
      { transactionId, refundId, ...(amount === undefined ? {} : { amount }) },
      { uid: 'admin' },
    );
}

/** The error a refund call failed with; throws when it succeeded. */
export const refundFailure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the refund to fail');
    },
    (err: { code: string; details?: Record<string, unknown> }) => err,
  );
