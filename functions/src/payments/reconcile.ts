import { bulkhead } from 'cockatiel';
import { PAYMENT_LOOKUP_MS } from '../config/index.js';
import { PaymentStatus, type ReconcileReport } from '../api/index.js';
import type { ReconcileEventSink } from './paymentEvents.js';
import {
  scanOrderValue,
  type PaymentLedger,
  type ScanCursor,
  type ScanQuery,
  type UnresolvedPayment,
} from './ledger/paymentLedger.js';
import type { PaymentProvider } from './provider/paymentProvider.js';
import { dueForCheck, settleRecord, type RecordDeps } from './reconcileRecord.js';
import { reconcileRefunds, type RefundReconcileDeps } from './refunds/reconcileRefunds.js';

export type { ReconcileReport } from '../api/index.js';

/** What a reconciliation pass needs. */
export interface ReconcileDeps {
  ledger: PaymentLedger;
  provider: PaymentProvider;
  /** [PAYMENT_SETTLE_MS] */
  settleMs: number;
  /** Age after which a payment waiting for the customer is canceled, ms [PAYMENT_ACTION_TIMEOUT_MS]; default 1 h. */
  actionTimeoutMs?: number;
  /** Time the pass may take, ms [RECONCILE_BUDGET_MS]; records not reached wait for the next pass. */
  budgetMs: number;
  /** Records settled at once (each is a claim, a lookup and a write). */
  concurrency?: number;
  /** Records per scan page. */
  pageSize?: number;
  events?: ReconcileEventSink;
  /** Refunds to settle in the same pass, after the payments; none when null or absent. */
  refunds?: RefundReconcileDeps | null;
  now?: () => number;
}

/**
 * Time one record may take: its provider requests (a lookup, then at most one cancel, each within
 * PAYMENT_LOOKUP_MS: 6 s) with 2 s left for the claim and the write.
 */
const RECORD_LEASE_MS = PAYMENT_LOOKUP_MS + 5000;

/** PAYMENT_ACTION_TIMEOUT_MS's default. */
const DEFAULT_ACTION_TIMEOUT_MS = 3_600_000;

/** A pass's report before it has done anything: nothing counted, complete until the budget says otherwise. */
export function emptyReport(at: number): ReconcileReport {
  return {
    at,
    durationMs: 0,
    examined: 0,
    charged: 0,
    notCharged: 0,
    stillUnknown: 0,
    waiting: 0,
    mismatches: 0,
    skipped: 0,
    errors: 0,
    complete: true,
  };
}

/**
 * Settles `unknown` payments, `pending` ones whose lease ended (oldest lease
 * first), then those waiting at the provider (`processing`, then the
 * customer's `requires_action` and `requires_payment_method`, checked with
 * backoff and canceled past PAYMENT_ACTION_TIMEOUT_MS), oldest update first,
 * one record at a time by reconcileRecord.ts: found -> succeeded/declined;
 * not found after the settle window -> canceled at the provider, then
 * canceled (or failed where there is nothing to cancel); otherwise left as
 * it was. Pages with a cursor over records untouched since the pass began,
 * so a record the pass itself writes is not seen twice; each record is claimed
 * first, so overlapping passes and live calls never act twice on one. Bounded
 * concurrency (cockatiel's bulkhead) inside a time budget; one record's error is
 * logged and does not stop the pass. Run by `reconcilePayments` (schedule) and
 * `runReconciliation` (admins). Then, with `refunds`, the refunds the same way
 * (refunds/reconcileRefunds.ts), in the same budget and lease.
 */
export async function reconcilePayments(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.now ?? Date.now;
  const emit = deps.events ?? (() => undefined);
  const at = now();
  const stopAt = at + deps.budgetMs - RECORD_LEASE_MS;
  const pool = bulkhead(deps.concurrency ?? 8, Number.POSITIVE_INFINITY);
  const report = emptyReport(at);
  const recordDeps: RecordDeps = {
    ...{ ledger: deps.ledger, provider: deps.provider, settleMs: deps.settleMs, emit, now },
    actionTimeoutMs: deps.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
    requestMs: PAYMENT_LOOKUP_MS,
  };
  const settleOne = async ({ transactionId, record: scanned }: UnresolvedPayment) => {
    if (now() >= stopAt) {
      report.complete = false;
      return;
    }
    // Waiting for the customer and not due yet: left for a later pass, unclaimed and uncounted.
    if (!dueForCheck(scanned, now(), recordDeps.actionTimeoutMs)) return;
    try {
      const claim = await deps.ledger.claimForResolution(transactionId, RECORD_LEASE_MS, scanned.updatedAt);
      if (!claim) {
        report.skipped++;
        return;
      }
      report.examined++;
      await settleRecord(recordDeps, transactionId, claim.claimId, claim.record, report);
    } catch (err) {
      report.errors++;
      emit({ type: 'payments.reconcile_record_failed', severity: 'ERROR', transactionId, error: err });
    }
  };
  // What may be charged first; then what waits at the provider, the customer's steps last.
  const scanned = [
    PaymentStatus.unknown,
    PaymentStatus.pending,
    PaymentStatus.processing,
    PaymentStatus.requiresAction,
    PaymentStatus.requiresPaymentMethod,
  ] as const;
  for (const status of scanned) {
    let after: ScanCursor | undefined;
    while (report.complete) {
      if (now() >= stopAt) {
        report.complete = false;
        break;
      }
      const query: ScanQuery = { status, before: at, after, limit: deps.pageSize ?? 100 };
      const page = await deps.ledger.scanUnresolved(query);
      if (page.length === 0) break;
      await Promise.all(page.map((p) => pool.execute(() => settleOne(p))));
      const last = page[page.length - 1]!;
      after = { orderValue: scanOrderValue(status, last.record), transactionId: last.transactionId };
    }
  }
  if (deps.refunds) {
    const more = () => now() < stopAt || (report.complete = false);
    report.refunds = await reconcileRefunds(deps.refunds, at, RECORD_LEASE_MS, (w) => pool.execute(w), more, now);
  }
  report.durationMs = now() - at;
  await deps.ledger.saveReconcileReport(report).catch((err: unknown) => {
    emit({ type: 'payments.reconcile_report_failed', severity: 'WARNING', error: err });
  });
  return report;
}
