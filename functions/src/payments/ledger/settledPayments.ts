import { PaymentStatus } from '../../api/index.js';
import type { PaymentRecord } from './paymentLedger.js';

/** Most payments remembered per map; the map is cleared when full. */
const REMEMBERED = 10_000;

/**
 * The payments an instance created (a fresh claim) and then settled
 * `succeeded` itself, as stored. Their answer can never change: a success is
 * final and never overwritten, no other call ever held them (so no other
 * call's attempts are added to their tally: a call that re-claimed one before
 * this instance wrote its outcome would have failed that write's
 * precondition, and then nothing is kept), and what refunds or disputes add
 * later is not part of a payment's answer. A replay of one on this instance
 * is decided without reading it. Declines and cancellations are not kept: a
 * late success may still be written over them (money wins). Per instance,
 * bounded.
 */
export class SettledPayments {
  /** transactionId -> claimId of the payments this instance created and has not settled yet. */
  private readonly created = new Map<string, string>();
  private readonly settled = new Map<string, PaymentRecord>();

  /** This instance created `transactionId`'s record under `claimId` (no call held it before). */
  markCreated(transactionId: string, claimId: string): void {
    if (this.created.size >= REMEMBERED) this.created.clear();
    this.created.set(transactionId, claimId);
  }

  /** The call `claimId` wrote `record` as its outcome; kept when it created the record and it succeeded. */
  settle(transactionId: string, claimId: string, record: PaymentRecord): void {
    const mine = this.created.get(transactionId) === claimId;
    this.created.delete(transactionId);
    // Without its charge id a webhook may still fill it in: such a record is read like any other.
    if (!mine || record.status !== PaymentStatus.succeeded || !record.chargeId) return;
    if (this.settled.size >= REMEMBERED) this.settled.clear();
    this.settled.set(transactionId, record);
  }

  /** The stored record of a payment this instance created and settled `succeeded`, if it remembers it. */
  get(transactionId: string): PaymentRecord | undefined {
    return this.settled.get(transactionId);
  }
}
