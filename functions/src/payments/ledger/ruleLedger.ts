import type { PaymentHistoryEvent, ReconcileReport } from '../../api/index.js';
import { functionActor, historyEvents, type HistoryDraft, type HistoryNote } from '../history/historyEvents.js';
import { admit, release, type UserLimitSettings, type UserLimitState } from '../limits/userLimiter.js';
import { PaymentUserLimitedError } from '../paymentErrors.js';
import {
  attachStep,
  claimStep,
  limitedClaimStep,
  finalizeStep,
  newClaimId,
  renewStep,
  resolutionStep,
  type LedgerStep,
} from './ledgerRules.js';
import type {
  CancelCaller,
  CancelClaim,
  Claim,
  FinalizeResult,
  LedgerIncident,
  LedgerVersion,
  PaymentLedger,
  PaymentLedgerHealth,
  PaymentOutcome,
  PaymentRecord,
  ScanQuery,
  UnresolvedPayment,
} from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { cancelClaimStep } from './cancelRules.js';
import { withSpend } from '../limits/spendStep.js';
import { disputeStep, type DisputeApplied, type DisputeChange } from './disputeRules.js';
import {
  cancelWithEvents,
  claimWithEvents,
  finalizeWithEvents,
  resolutionWithEvents,
} from '../history/ledgerEvents.js';

/** One atomic read-modify-write of a record: reads it, applies `step`, writes what the step says. */
export type Transact = <T>(
  transactionId: string,
  name: string,
  step: (current: PaymentRecord | undefined) => LedgerStep<T>,
) => Promise<T>;

/**
 * One atomic read-modify-write of a payment record and its user's limits
 * (`userLimits/{uid}`); `user: undefined` in the step's answer leaves the
 * user's record as it is.
 */
export type TransactWithUser = <T>(
  transactionId: string,
  /** The user's id, or null for the record's own `uid` (read first). */
  uid: string | null,
  name: string,
  step: (
    current: PaymentRecord | undefined,
    user: UserLimitState | undefined,
  ) => LedgerStep<T> & { user?: UserLimitState | undefined },
) => Promise<T>;

/**
 * A PaymentLedger built from the shared rules (ledgerRules.ts) and one atomic
 * `transact` of the storage; adapters add `transact` and their queries, so no
 * adapter can apply the rules differently.
 */
export abstract class RuleLedger implements PaymentLedger {
  protected constructor(
    protected readonly clock: () => number,
    /** Per-user limits applied with every claim; none when undefined. */
    protected readonly limits?: UserLimitSettings,
  ) {}

  /** Atomic read-modify-write of one record in the adapter's storage. */
  protected abstract transact: Transact;
  /** The same for a record and its user's limits together. */
  protected abstract transactWithUser: TransactWithUser;

  abstract scanUnresolved(query: ScanQuery): Promise<UnresolvedPayment[]>;
  abstract get(transactionId: string): Promise<PaymentRecord | null>;
  abstract findByProviderRef(providerRef: string): Promise<string | null>;
  abstract listEvents(transactionId: string): Promise<PaymentHistoryEvent[]>;
  abstract countIncident(kind: LedgerIncident): Promise<void>;
  abstract saveReconcileReport(report: ReconcileReport): Promise<void>;
  abstract health(now: number): Promise<PaymentLedgerHealth>;

  async claim(req: PaymentRequest, leaseMs: number, claimId = newClaimId()): Promise<Claim> {
    const { limits } = this;
    if (!limits) {
      return this.transact(req.transactionId, 'payments.claim', (cur, now = this.clock()) =>
        claimWithEvents(claimStep(cur, req, claimId, now, leaseMs), cur, req.uid, claimId, now),
      );
    }
    // A refusal is answered after the transaction has written the call's spend (limitedClaimStep).
    const claim = await this.transactWithUser(req.transactionId, req.uid, 'payments.claim', (cur, user) => {
      const now = this.clock();
      return claimWithEvents(
        limitedClaimStep(cur, user, req, claimId, now, leaseMs, limits),
        cur,
        req.uid,
        claimId,
        now,
      );
    });
    if (claim.kind === 'refused') throw claim.error;
    return claim;
  }

  async spend(req: PaymentRequest): Promise<void> {
    const { limits } = this;
    if (!limits) return;
    const claimId = newClaimId();
    // The payment record is read with the user's limits and left as it is.
    await this.transactWithUser(req.transactionId, req.uid, 'ledger.userSpend', (_cur, user) => {
      const now = this.clock();
      const decision = admit(user, limits, claimId, now, now);
      if (!decision.ok) throw new PaymentUserLimitedError(req.transactionId, decision.reason, decision.retryAfterMs);
      return { write: { kind: 'none' }, result: undefined, user: release(decision.next, claimId) };
    });
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
    _expected?: { record: PaymentRecord; version: LedgerVersion | null },
  ): Promise<FinalizeResult> {
    const step = (cur: PaymentRecord | undefined, user?: UserLimitState) => {
      const released = release(user, claimId);
      const now = this.clock();
      return {
        ...finalizeWithEvents(finalizeStep(cur, transactionId, claimId, outcome, now), cur, claimId, outcome, now),
        user: released === user ? undefined : released,
      };
    };
    // Only the call itself holds a slot; others' finalizes (reconciliation) leave the limits alone:
    // a dead call's slot ends with its lease.
    const uid = _expected?.record.uid;
    if (!this.limits || !uid) return this.transact(transactionId, 'payments.finalize', (cur) => step(cur));
    return this.transactWithUser(transactionId, uid, 'payments.finalize', step);
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
    note: HistoryNote = {},
  ): Promise<{ claimId: string; record: PaymentRecord } | null> {
    const claimId = newClaimId();
    return this.transact(transactionId, 'payments.claimForResolution', (cur, now = this.clock()) =>
      resolutionWithEvents(resolutionStep(cur, claimId, now, leaseMs, expectedUpdatedAt), cur, claimId, note, now),
    );
  }

  recordHistory(transactionId: string, drafts: readonly HistoryDraft[], note: HistoryNote = {}): Promise<void> {
    const writer = `history:${newClaimId()}`;
    return this.transact(transactionId, 'payments.recordHistory', (cur) => {
      if (!cur) return { write: { kind: 'none' }, result: undefined };
      const actor = note.actor ?? functionActor();
      const events = historyEvents(writer, actor, drafts, [], cur.status, cur.status, this.clock());
      return { write: { kind: 'none' }, result: undefined, events };
    });
  }

  applyDispute(transactionId: string, change: DisputeChange): Promise<DisputeApplied> {
    return this.transact(transactionId, 'payments.applyDispute', (cur) => disputeStep(cur, change, this.clock()));
  }

  async claimForCancel(
    transactionId: string,
    caller: CancelCaller,
    leaseMs: number,
    settleMs: number,
  ): Promise<CancelClaim> {
    const claimId = newClaimId();
    const step = (cur: PaymentRecord | undefined, now = this.clock()) =>
      cancelWithEvents(
        cancelClaimStep(cur, transactionId, caller, claimId, now, leaseMs, settleMs),
        cur,
        caller,
        claimId,
        now,
      );
    const { limits } = this;
    // A refusal is answered after the transaction has written the caller's spend (withSpend).
    const claim = limits
      ? await this.transactWithUser(transactionId, caller.uid, 'payments.claimForCancel', (cur, user) =>
          withSpend(step(cur), user, transactionId, claimId, this.clock(), limits),
        )
      : await this.transact(transactionId, 'payments.claimForCancel', step);
    if (claim.kind === 'refused') throw claim.error;
    return claim;
  }
}
