import { RefundStatus, type RefundReconcileCounts } from '../../api/index.js';
import type { RefundEventSink } from './refundEvents.js';
import type { RefundOutcome, RefundRecord, RefundScanCursor, UnresolvedRefund } from './refundLedger.js';
import { refundMismatchFound, writeRefundOutcome, type HeldRefund, type RefundWriter } from './refundOutcomes.js';
import type { RefundProvider, RefundRequest } from './refundProvider.js';
import { settleRefund } from './refundSettlement.js';

/** What settling refunds in a reconciliation pass needs. */
export interface RefundReconcileDeps extends RefundWriter {
  provider: RefundProvider;
  /** [PAYMENT_SETTLE_MS] */
  settleMs: number;
  /** Deadline of one lookup, ms. */
  requestMs: number;
  emit: RefundEventSink;
}

/** Longest wait between two lookups of a refund waiting at the provider (Stripe refunds can take days). */
const MAX_RECHECK_MS = 6 * 3_600_000;
/** Shortest such wait. */
const MIN_RECHECK_MS = 60_000;

/** Nothing counted yet. */
export const noRefundCounts = (): RefundReconcileCounts => ({
  examined: 0,
  refunded: 0,
  notRefunded: 0,
  stillOpen: 0,
  mismatches: 0,
  skipped: 0,
  errors: 0,
});

/** When a refund waiting at the provider is looked up again: after half its age, between 1 min and 6 h. */
export function nextCheckAt(refund: Pick<RefundRecord, 'createdAt'>, now: number): number {
  return now + Math.min(MAX_RECHECK_MS, Math.max(MIN_RECHECK_MS, (now - refund.createdAt) / 2));
}

/**
 * The refunds of one reconciliation pass (payments/reconcile.ts runs it in
 * its pass, lease and budget): `unknown` refunds, then `pending` ones whose
 * lease ended (a dead call) or whose next check is due (waiting at the
 * provider), each claimed (unchanged since the scan), looked up and settled
 * by the charge rules: found -> its status (a mismatch stays unknown and is
 * counted); not found after the settle window and never named by the
 * provider -> failed (certainly not refunded); otherwise left open (a dead
 * call's pending becomes unknown). `each` runs one refund's work (the pass's
 * bulkhead); `more` says whether the budget allows another page.
 */
export async function reconcileRefunds(
  deps: RefundReconcileDeps,
  at: number,
  leaseMs: number,
  each: (work: () => Promise<void>) => Promise<void>,
  more: () => boolean,
  now: () => number,
  pageSize = 100,
): Promise<RefundReconcileCounts> {
  const counts = noRefundCounts();
  const one = async ({ transactionId, refundId, refund: scanned }: UnresolvedRefund) => {
    if (!more()) return;
    try {
      const claim = await deps.ledger.claimRefundForResolution(transactionId, refundId, leaseMs, scanned.updatedAt);
      if (!claim) {
        counts.skipped++;
        return;
      }
      counts.examined++;
      await settleOne(deps, claim.claimId, claim.refund, counts, now);
    } catch (err) {
      counts.errors++;
      deps.emit({ type: 'refund.reconcile_failed', severity: 'ERROR', transactionId, refundId, error: err });
    }
  };
  for (const status of [RefundStatus.unknown, RefundStatus.pending] as const) {
    let after: RefundScanCursor | undefined;
    while (more()) {
      const page = await deps.ledger.scanRefunds({ status, before: at, after, limit: pageSize });
      if (page.length === 0) break;
      await Promise.all(page.map((p) => each(() => one(p))));
      const last = page[page.length - 1]!;
      const orderValue = status === RefundStatus.pending ? (last.refund.leaseUntil ?? 0) : last.refund.updatedAt;
      after = { orderValue, transactionId: last.transactionId, refundId: last.refundId };
    }
  }
  return counts;
}

async function settleOne(
  deps: RefundReconcileDeps,
  claimId: string,
  before: RefundRecord,
  counts: RefundReconcileCounts,
  now: () => number,
): Promise<void> {
  const held: HeldRefund = { refund: before, before: before.status, claimId, version: null };
  const req: RefundRequest = {
    transactionId: before.transactionId,
    refundId: before.refundId,
    uid: before.uid,
    amount: before.amount,
    currency: before.currency,
    ...(before.reason ? { reason: before.reason } : {}),
  };
  const known = before.providerRefundId ?? undefined;
  const look = await deps.provider.lookupRefund(before.paymentRef, req, known, deps.requestMs);
  // A dead call could send until its lease ended.
  const deadCall = before.status === RefundStatus.pending && before.claimId !== null;
  const settleFrom = deadCall ? Math.max(before.openAttemptAt ?? 0, before.leaseUntil ?? 0) : before.openAttemptAt;
  const s = settleRefund(look, before, settleFrom, deps.settleMs, now());
  const base = { attempts: before.attempts, openAttemptAt: settleFrom };
  const write = (o: RefundOutcome, definite?: Parameters<typeof writeRefundOutcome>[4]) =>
    writeRefundOutcome(deps, held, o, 'reconcile', definite);
  switch (s.kind) {
    case 'found': {
      const { refund: pr } = s;
      const waiting = pr.status === RefundStatus.pending;
      await write(
        {
          status: pr.status,
          attempts: before.attempts,
          openAttemptAt: null,
          providerRefundId: pr.providerRefundId,
          failureReason: pr.failureReason ?? null,
          ...(waiting ? { nextCheckAt: nextCheckAt(before, now()) } : {}),
        },
        pr,
      );
      if (waiting) counts.stillOpen++;
      else if (pr.status === RefundStatus.succeeded) counts.refunded++;
      else counts.notRefunded++;
      return;
    }
    case 'mismatch': {
      counts.mismatches++;
      await refundMismatchFound(deps, before, s.refund, 'reconcile');
      const message = `the provider's refund ${s.refund.providerRefundId} has another amount or currency; a person must look`;
      await write({ ...base, status: RefundStatus.unknown, error: { code: 'REFUND_MISMATCH', message } });
      return;
    }
    case 'not-made':
      counts.notRefunded++;
      await write({
        ...base,
        openAttemptAt: null,
        status: RefundStatus.failed,
        error: { code: 'REFUND_NOT_MADE', message: 'not found at the provider after the settle window' },
      });
      return;
    case 'settling':
    case 'unanswered': {
      counts.stillOpen++;
      const message = s.kind === 'settling' ? 'the provider may still make it' : s.reason;
      // Waiting at the provider stays so (looked up again later); anything else is maybe refunded.
      if (before.status === RefundStatus.pending && !deadCall) {
        await write({ ...base, status: RefundStatus.pending, nextCheckAt: nextCheckAt(before, now()) });
      } else {
        await write({ ...base, status: RefundStatus.unknown, error: { code: 'REFUND_UNKNOWN', message } });
      }
      return;
    }
  }
}
