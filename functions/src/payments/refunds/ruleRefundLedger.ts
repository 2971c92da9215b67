import type { UserLimitSettings, UserLimitState } from '../limits/userLimiter.js';
import { withSpend } from '../limits/spendStep.js';
import { newClaimId } from '../ledger/ledgerRules.js';
import type { LedgerVersion, PaymentRecord } from '../ledger/paymentLedger.js';
import {
  totalsOf,
  type ProviderRefundResult,
  type RefundClaim,
  type RefundClaimRequest,
  type RefundFinalizeResult,
  type RefundHealth,
  type RefundLedger,
  type RefundOutcome,
  type RefundRecord,
  type RefundScanQuery,
  type RefundTotals,
  type UnresolvedRefund,
} from './refundLedger.js';
import type { RefundSource } from '../../api/index.js';
import type { ProviderRefund } from './refundProvider.js';
import { providerRefundStep } from './providerRefundRules.js';
import { claimRefundStep, finalizeRefundStep, refundResolutionStep, type RefundStep } from './refundRules.js';
import { PaymentHistoryEventType as H } from '../../api/index.js';
import { functionActor, userActor } from '../history/historyEvents.js';
import { withRefundEvents } from './refundHistory.js';

/**
 * One atomic read-modify-write of a payment, one of its refunds and
 * (with `uid`) that user's limits: reads them, applies `step`, and writes the
 * refund, the payment's totals moved by the step's `totals` and the user's
 * limits (`user: undefined` leaves them) in one commit. `seal`: the asking
 * admin's refund seal (refundSeal.ts), which an adapter may use instead of
 * its first read (only a claim passes one); adapters may ignore it.
 */
export type RefundTransact = <T>(
  transactionId: string,
  refundId: string,
  uid: string | null,
  name: string,
  step: (
    payment: PaymentRecord | undefined,
    refund: RefundRecord | undefined,
    user: UserLimitState | undefined,
  ) => RefundStep<T> & { user?: UserLimitState | undefined },
  seal?: { token: string; requestedBy: string },
) => Promise<T>;

/**
 * A RefundLedger built from the shared rules (refundRules.ts) and one atomic
 * `transact` of the storage; adapters add `transact` and their queries, so no
 * adapter can apply the rules differently.
 */
export abstract class RuleRefundLedger implements RefundLedger {
  protected constructor(
    protected readonly clock: () => number,
    /** Per-user limits the asking admin spends from with every claim (as cancelPayment); none when undefined. */
    protected readonly limits?: UserLimitSettings,
  ) {}

  protected abstract transact: RefundTransact;

  abstract scanRefunds(query: RefundScanQuery): Promise<UnresolvedRefund[]>;
  abstract getRefund(transactionId: string, refundId: string): Promise<RefundRecord | null>;
  abstract listRefunds(transactionId: string): Promise<RefundRecord[]>;
  abstract refundHealth(now: number): Promise<RefundHealth>;

  async claimRefund(req: RefundClaimRequest, leaseMs: number, claimId = newClaimId()): Promise<RefundClaim> {
    const { limits } = this;
    const uid = limits ? req.requestedBy : null;
    const claim = await this.transact(
      req.transactionId,
      req.refundId,
      uid,
      'refunds.claim',
      (payment, refund, user) => {
        const now = this.clock();
        const note = { type: H.refundRequested, actor: userActor(req.requestedBy), writer: `refund-claim:${claimId}` };
        const claimed = claimRefundStep(payment, refund, req, claimId, now, leaseMs);
        const step = withRefundEvents(claimed, payment?.status, refund, note, now);
        if (!limits) return step;
        // Every claim spends, a refusal included (written with it); no in-flight slot outlives the step.
        return withSpend(step, user, req.transactionId, claimId, now, limits);
      },
      req.seal === undefined ? undefined : { token: req.seal, requestedBy: req.requestedBy },
    );
    if (claim.kind === 'refused') throw claim.error;
    return claim;
  }

  finalizeRefund(
    transactionId: string,
    refundId: string,
    claimId: string,
    outcome: RefundOutcome,
    _expected?: { refund: RefundRecord; version: LedgerVersion | null; totals?: RefundTotals },
  ): Promise<RefundFinalizeResult> {
    return this.transact(transactionId, refundId, null, 'refunds.finalize', (payment, refund) => {
      const now = this.clock();
      const step = finalizeRefundStep(refund, transactionId, refundId, claimId, outcome, now, totalsOf(payment ?? {}));
      return withRefundEvents(step, payment?.status, refund, settledNote(claimId), now);
    });
  }

  recordProviderRefund(
    transactionId: string,
    refund: ProviderRefund & { refundId: string },
    source: RefundSource,
  ): Promise<ProviderRefundResult> {
    return this.transact(transactionId, refund.refundId, null, 'refunds.recordProvider', (payment, current) => {
      const now = this.clock();
      const step = providerRefundStep(payment, current, transactionId, refund, source, now);
      // One commit per change of the refund: what it was and what the provider said name it.
      const change = `${refund.refundId}:${refund.providerRefundId}:${current?.status ?? 'new'}->${refund.status}`;
      const note = { type: H.refundRecorded, actor: functionActor(), writer: `refund-provider:${change}` };
      return withRefundEvents(step, payment?.status, current, note, now);
    });
  }

  claimRefundForResolution(
    transactionId: string,
    refundId: string,
    leaseMs: number,
    expectedUpdatedAt?: number,
  ): Promise<{ claimId: string; refund: RefundRecord } | null> {
    const claimId = newClaimId();
    return this.transact(transactionId, refundId, null, 'refunds.claimForResolution', (payment, refund) => {
      const now = this.clock();
      const step = refundResolutionStep(refund, claimId, now, leaseMs, expectedUpdatedAt);
      const note = { type: H.refundReconcileClaimed, actor: functionActor(), writer: `refund-resolve:${claimId}` };
      return withRefundEvents(step, payment?.status, refund, note, now);
    });
  }
}

/**
 * The history note of an outcome written under `claimId`: by this function
 * (the refundPayment call's or reconciliation's instance; the claim's event
 * names the admin who asked).
 */
export function settledNote(claimId: string) {
  return { type: H.refundSettled, actor: functionActor(), writer: `refund-finalize:${claimId}` };
}
