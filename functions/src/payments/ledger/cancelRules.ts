import { PaymentStatus } from '../../api/index.js';
import {
  PaymentForbiddenError,
  PaymentInProgressError,
  PaymentNotCancelableError,
  PaymentNotFoundError,
} from '../paymentErrors.js';
import { settleFromOf, type LedgerStep } from './ledgerRules.js';
import type { CancelCaller, CancelClaim, PaymentRecord } from './paymentLedger.js';

/**
 * The ledger's rule of a cancel (`cancelPayment`): who may cancel which
 * record, and the claim that keeps every other call, webhook claim and
 * reconciliation off the record while the provider is asked. A pure step, like
 * the rules of ledgerRules.ts, applied by every PaymentLedger (ruleLedger.ts).
 */

/** A cancel the ledger refuses: the error it answers with, once the caller's spend is written. */
export interface RefusedCancel {
  kind: 'refused';
  error: PaymentNotFoundError | PaymentForbiddenError | PaymentInProgressError | PaymentNotCancelableError;
}

/** Statuses whose outcome may be open: canceled only once the settle window of their attempts has passed. */
const OPEN: readonly PaymentStatus[] = [PaymentStatus.unknown, PaymentStatus.pending];

/**
 * Claims `record` for a cancel, or says why not:
 * - none -> not found; another user's, unless the caller is an admin -> forbidden;
 * - canceled -> answered again (idempotent);
 * - succeeded or declined (final), processing (the provider is working on it) -> not cancelable;
 * - pending under a live lease -> in progress (retry after the lease);
 * - unknown, or pending whose call died, before the settle window of its attempts ended -> not
 *   cancelable yet (retry when it ends), since the provider may still charge it;
 * - requires_action, requires_payment_method, failed (certainly not charged: a cancel closes the
 *   transactionId, so no later call charges it), and unknown or a dead call's pending past the
 *   window -> claimed for the provider's answer.
 */
export function cancelClaimStep(
  record: PaymentRecord | undefined,
  transactionId: string,
  caller: CancelCaller,
  claimId: string,
  now: number,
  leaseMs: number,
  settleMs: number,
): LedgerStep<CancelClaim | RefusedCancel> {
  const refuse = (error: RefusedCancel['error']) => ({
    write: { kind: 'none' } as const,
    result: { kind: 'refused', error } as const,
  });
  if (!record) return refuse(new PaymentNotFoundError(transactionId));
  if (record.uid !== caller.uid && !caller.admin) return refuse(new PaymentForbiddenError(transactionId));
  const { status } = record;
  if (status === PaymentStatus.canceled) return { write: { kind: 'none' }, result: { kind: 'canceled', record } };
  if (status === PaymentStatus.succeeded)
    return refuse(new PaymentNotCancelableError(transactionId, status, 'charged'));
  if (status === PaymentStatus.declined) {
    return refuse(new PaymentNotCancelableError(transactionId, status, 'final: the issuer declined it'));
  }
  if (status === PaymentStatus.processing) {
    return refuse(new PaymentNotCancelableError(transactionId, status, 'the provider is settling it'));
  }
  if (status === PaymentStatus.pending && (record.leaseUntil ?? 0) > now) {
    return refuse(new PaymentInProgressError(transactionId, (record.leaseUntil ?? now) - now));
  }
  if (OPEN.includes(status)) {
    const from = settleFromOf(record);
    if (from !== null && now < from + settleMs) {
      const until = from + settleMs;
      const why = `the provider may still charge it until ${new Date(until).toISOString()}`;
      return refuse(new PaymentNotCancelableError(transactionId, PaymentStatus.unknown, why, until - now));
    }
  }
  const fields = { status: PaymentStatus.pending, claimId, leaseUntil: now + leaseMs, updatedAt: now };
  return { write: { kind: 'update', fields }, result: { kind: 'claimed', claimId, record } };
}
