import type { LedgerHealth, ReconcileReport } from '../../api.js';
import {
  attachStep,
  claimStep,
  finalizeStep,
  newClaimId,
  renewStep,
  resolutionStep,
  type LedgerStep,
} from './ledgerRules.js';
import type {
  Claim,
  FinalizeResult,
  LedgerIncident,
  LedgerVersion,
  PaymentLedger,
  PaymentOutcome,
  PaymentRecord,
  PaymentRequest,
  ScanQuery,
  UnresolvedPayment,
} from './paymentLedger.js';

/** One atomic read-modify-write of a record: reads it, applies `step`, writes what the step says. */
export type Transact = <T>(
  transactionId: string,
  name: string,
  step: (current: PaymentRecord | undefined) => LedgerStep<T>,
) => Promise<T>;

/**
 * A PaymentLedger built from the shared rules (ledgerRules.ts) and one atomic
 * `transact` of the storage; adapters add `transact` and their queries, so no
 * adapter can apply the rules differently.
 */
export abstract class RuleLedger implements PaymentLedger {
  protected constructor(protected readonly clock: () => number) {}

  /** Atomic read-modify-write of one record in the adapter's storage. */
  protected abstract transact: Transact;

  abstract scanUnresolved(query: ScanQuery): Promise<UnresolvedPayment[]>;
  abstract get(transactionId: string): Promise<PaymentRecord | null>;
  abstract countIncident(kind: LedgerIncident): Promise<void>;
  abstract saveReconcileReport(report: ReconcileReport): Promise<void>;
  abstract health(now: number): Promise<LedgerHealth>;

  claim(req: PaymentRequest, leaseMs: number, claimId = newClaimId()): Promise<Claim> {
    return this.transact(req.transactionId, 'payments.claim', (cur) =>
      claimStep(cur, req, claimId, this.clock(), leaseMs),
    );
  }

  attachProviderRef(transactionId: string, claimId: string, providerRef: string): Promise<void> {
    return this.transact(transactionId, 'payments.attachRef', (cur) =>
      attachStep(cur, claimId, providerRef, this.clock()),
    );
  }

  finalize(
    transactionId: string,
    claimId: string,
    outcome: PaymentOutcome,
    _expected?: { record: PaymentRecord; version: LedgerVersion },
  ): Promise<FinalizeResult> {
    return this.transact(transactionId, 'payments.finalize', (cur) =>
      finalizeStep(cur, transactionId, claimId, outcome, this.clock()),
    );
  }

  renewLease(transactionId: string, claimId: string, leaseUntil: number): Promise<boolean> {
    return this.transact(transactionId, 'payments.renewLease', (cur) =>
      renewStep(cur, claimId, leaseUntil, this.clock()),
    );
  }

  claimForResolution(
    transactionId: string,
    leaseMs: number,
    expectedUpdatedAt?: number,
  ): Promise<{ claimId: string; record: PaymentRecord } | null> {
    const claimId = newClaimId();
    return this.transact(transactionId, 'payments.claimForResolution', (cur) =>
      resolutionStep(cur, claimId, this.clock(), leaseMs, expectedUpdatedAt),
    );
  }
}
