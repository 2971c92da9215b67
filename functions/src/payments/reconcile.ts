import { bulkhead } from 'cockatiel';
import { PAYMENT_LOOKUP_MS } from '../config/index.js';
import { PaymentStatus, type ReconcileReport } from '../api/index.js';
import { settleFromOf } from './ledger/ledgerRules.js';
import type { ReconcileEventSink } from './paymentEvents.js';
import {
  scanOrderValue,
  type PaymentLedger,
  type ScanCursor,
  type ScanQuery,
  type UnresolvedPayment,
} from './ledger/paymentLedger.js';
import type { PaymentProvider } from './provider/paymentProvider.js';
import { settle, unknownError } from './settlement.js';

export type { ReconcileReport } from '../api/index.js';

/** What a reconciliation pass needs. */
export interface ReconcileDeps {
  ledger: PaymentLedger;
  provider: PaymentProvider;
  /** [PAYMENT_SETTLE_MS] */
  settleMs: number;
  /** Time the pass may take, ms [RECONCILE_BUDGET_MS]; records not reached wait for the next pass. */
  budgetMs: number;
  /** Records settled at once (each is a claim, a lookup and a write). */
  concurrency?: number;
  /** Records per scan page. */
  pageSize?: number;
  events?: ReconcileEventSink;
  now?: () => number;
}

/** Time one record may take: claim + lookup + write. */
const RECORD_LEASE_MS = PAYMENT_LOOKUP_MS + 5000;

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
 * Settles `unknown`, `requires_action` and `processing` payments (oldest update first) and `pending` ones whose
 * lease ended (oldest lease first) from a verified lookup at the provider: found
 * -> succeeded/declined; not found after the settle window -> failed; otherwise
 * left unknown. Pages with a cursor over records untouched since the pass began,
 * so a record the pass itself writes is not seen twice; each record is claimed
 * first, so overlapping passes and live calls never act twice on one. Bounded
 * concurrency (cockatiel's bulkhead) inside a time budget; one record's error is
 * logged and does not stop the pass. Run by `reconcilePayments` (schedule) and
 * `runReconciliation` (admins).
 */
export async function reconcilePayments(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.now ?? Date.now;
  const emit = deps.events ?? (() => undefined);
  const at = now();
  const stopAt = at + deps.budgetMs - RECORD_LEASE_MS;
  const pool = bulkhead(deps.concurrency ?? 8, Number.POSITIVE_INFINITY);
  const report = emptyReport(at);
  const settleOne = async ({ transactionId, record: scanned }: UnresolvedPayment) => {
    if (now() >= stopAt) {
      report.complete = false;
      return;
    }
    try {
      const claim = await deps.ledger.claimForResolution(transactionId, RECORD_LEASE_MS, scanned.updatedAt);
      if (!claim) {
        report.skipped++;
        return;
      }
      report.examined++;
      const { record, claimId } = claim;
      const req = {
        transactionId,
        uid: record.uid,
        amount: record.amount,
        currency: record.currency,
        paymentMethod: record.paymentMethod,
      };
      const settleFrom = settleFromOf(record);
      const look = await deps.provider.lookup(record.providerRef ?? transactionId, req, PAYMENT_LOOKUP_MS);
      const s = settle(look, req, settleFrom === null ? null : settleFrom + deps.settleMs, now());
      // Records of older versions get the window they were judged by, so later writes do not move it.
      const base = {
        attempts: record.attempts,
        openAttemptAt: record.openAttemptAt === undefined ? settleFrom : record.openAttemptAt,
      };
      if (s.kind === 'charged') {
        const c = s.charge;
        await deps.ledger.finalize(transactionId, claimId, {
          ...base,
          status: c.kind === 'succeeded' ? PaymentStatus.succeeded : PaymentStatus.declined,
          chargeId: c.chargeId,
          ...(c.kind === 'declined' ? { declineCode: c.declineCode } : {}),
        });
        report.charged++;
      } else if (s.kind === 'pending') {
        const status = s.state === 'requires_action' ? PaymentStatus.requiresAction : PaymentStatus.processing;
        await deps.ledger.finalize(transactionId, claimId, { ...base, status });
        report.waiting++;
      } else if (s.kind === 'not-charged') {
        const error = { code: 'NOT_CHARGED', message: 'not found at the provider after the settle window' };
        await deps.ledger.finalize(transactionId, claimId, { ...base, status: PaymentStatus.failed, error });
        report.notCharged++;
      } else {
        if (s.kind === 'mismatch') {
          report.mismatches++;
          const { chargeId } = s.charge;
          emit({ type: 'payment.charge_mismatch', severity: 'ERROR', transactionId, chargeId, source: 'reconcile' });
          await deps.ledger.countIncident('mismatches');
        }
        await deps.ledger.finalize(transactionId, claimId, {
          ...base,
          status: PaymentStatus.unknown,
          error: unknownError(s),
        });
        report.stillUnknown++;
      }
    } catch (err) {
      report.errors++;
      emit({ type: 'payments.reconcile_record_failed', severity: 'ERROR', transactionId, error: err });
    }
  };
  const scanned = [
    PaymentStatus.unknown,
    PaymentStatus.requiresAction,
    PaymentStatus.processing,
    PaymentStatus.pending,
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
  report.durationMs = now() - at;
  await deps.ledger.saveReconcileReport(report).catch((err: unknown) => {
    emit({ type: 'payments.reconcile_report_failed', severity: 'WARNING', error: err });
  });
  return report;
}
