import type { ClaimFence } from './chargeAttempts.js';
import type { PaymentLedger } from './ledger/paymentLedger.js';
import type { ClaimHold } from './paymentResult.js';

/**
 * A call's claim as the attempt loop must respect it: the lease the call
 * holds, extended in the ledger when an attempt needs more time. The lease's
 * end is this object's own state; nothing else changes it.
 */
export class LeaseFence implements ClaimFence {
  readonly keyUsableUntil: number;
  private until: number;
  private wrote = false;

  constructor(
    private readonly ledger: Pick<PaymentLedger, 'renewLease'>,
    private readonly hold: ClaimHold,
  ) {
    this.until = hold.record.leaseUntil ?? 0;
    this.keyUsableUntil = hold.keyUsableUntil;
  }

  leaseUntil(): number {
    return this.until;
  }

  async extend(until: number): Promise<boolean> {
    const ok = await this.ledger.renewLease(this.hold.req.transactionId, this.hold.claimId, until);
    this.wrote = true;
    if (ok) this.until = until;
    return ok;
  }

  /** True once a renewal was written: the record is no longer the version the call claimed. */
  get renewed(): boolean {
    return this.wrote;
  }
}
