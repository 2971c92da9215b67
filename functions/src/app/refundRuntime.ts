import type { Config } from '../config/index.js';
import type { ErrorCode, LedgerHealth, RefundPaymentRequest, RefundPaymentResult } from '../api/index.js';
import { PAYMENT_LOOKUP_MS } from '../config/index.js';
import type { RefundReconcileDeps } from '../payments/refunds/reconcileRefunds.js';
import { logEvent } from '../observability/logs/logger.js';
import type { MetricsAggregator } from '../observability/metrics/emf.js';
import type { PaymentGuard } from '../payments/chargeAttempts.js';
import type { PaymentLedger } from '../payments/ledger/paymentLedger.js';
import type { PaymentProvider } from '../payments/provider/paymentProvider.js';
import { PAYMENT_SERVICE } from '../payments/provider/paymentProvider.js';
import { FirestoreRefundLedger } from '../payments/refunds/firestoreRefundLedger.js';
import type { RefundEventSink } from '../payments/refunds/refundEvents.js';
import type { RefundLedger } from '../payments/refunds/refundLedger.js';
import { refundPayment } from '../payments/refunds/refundPayment.js';
import type { RefundProvider } from '../payments/refunds/refundProvider.js';
import { sealKeyValue } from '../access/sealKey.js';
import { paymentSettings } from '../payments/settingsFromConfig.js';
import { AppError } from '../resilience/appError.js';
import type { RunQuery } from '../resilience/query/runQuery.js';

/** The refund parts of the runtime (app/runtime.ts). */
export interface RefundRuntime {
  /** The refund ledger (`payments/{transactionId}/refunds/{refundId}`); admins spend from their per-user limits. */
  refundLedger: RefundLedger;
  /** Where refund events go: logs, and the ledger incidents they count as metrics. */
  refundEvents: RefundEventSink;
  /** Refunds a payment for an admin (payments/refunds/refundPayment.ts); NOT_IMPLEMENTED without a refund adapter. */
  refund(input: RefundPaymentRequest, caller: { uid: string }): Promise<RefundPaymentResult>;
  /** The ledger health: the payments' numbers and the refunds' counts. */
  ledgerHealth(now: number): Promise<LedgerHealth>;
  /** What reconciliation needs to settle refunds; null without a refund adapter. */
  refundReconcile(): RefundReconcileDeps | null;
}

/** What the refund parts are built from: the runtime's own parts. */
export interface RefundWiring {
  cfg: Config;
  runQuery: RunQuery;
  ledger: PaymentLedger;
  /** The payment provider's circuit breaker: refund attempts count with its charges. */
  breaker: PaymentGuard;
  metrics: MetricsAggregator;
  provider(): PaymentProvider;
  refunds(): RefundProvider | null;
  /** Also told every refund event (e.g. the events for other systems); none when absent. */
  also?: RefundEventSink;
}

/** Builds the refund ledger, its event sink and the refund call over the runtime's parts. */
export function refundRuntime(w: RefundWiring): RefundRuntime {
  const { cfg, metrics } = w;
  const refundLedger = new FirestoreRefundLedger(
    w.runQuery,
    Date.now,
    {
      ratePerMin: cfg.PAYMENT_USER_RATE_PER_MIN,
      burst: cfg.PAYMENT_USER_BURST,
      maxInFlight: cfg.PAYMENT_USER_MAX_IN_FLIGHT,
    },
    sealKeyValue,
  );
  const refundEvents: RefundEventSink = (e) => {
    const { type, severity, ...fields } = e;
    logEvent(type, { service: PAYMENT_SERVICE, ...fields }, severity);
    if (e.type === 'refund.mismatch') metrics.recordLedgerIncident({ kind: 'mismatches' });
    if (e.type === 'refund.claim_lost') metrics.recordLedgerIncident({ kind: 'lostClaims' });
    w.also?.(e);
  };
  return {
    refundLedger,
    refundEvents,
    refund(input, caller) {
      const provider = w.refunds();
      if (!provider) {
        throw new AppError<ErrorCode>('NOT_IMPLEMENTED', 'Refunds are not available with this payment provider.');
      }
      const deps = {
        ledger: refundLedger,
        incidents: w.ledger,
        provider,
        breaker: w.breaker,
        settings: paymentSettings(cfg),
        money: w.provider().money,
        emit: refundEvents,
      };
      return refundPayment(deps, input, caller);
    },
    async ledgerHealth(now) {
      const [payments, refunds] = await Promise.all([w.ledger.health(now), refundLedger.refundHealth(now)]);
      return { ...payments, ...refunds };
    },
    refundReconcile() {
      const provider = w.refunds();
      if (!provider) return null;
      const { ledger: incidents } = w;
      const settleMs = cfg.PAYMENT_SETTLE_MS;
      return { ledger: refundLedger, incidents, provider, settleMs, requestMs: PAYMENT_LOOKUP_MS, emit: refundEvents };
    },
  };
}
