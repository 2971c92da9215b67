/**
 * What the Stripe webhook tells its listeners of disputes (chargebacks), in
 * the style of payments/paymentEvents.ts: `type` is the logged event name,
 * `severity` its log severity, every other field is logged as it is (and is
 * what the Eventarc publisher may send other systems): ids, amounts and
 * statuses, never card or customer data.
 */
import type { DisputeStatus } from '../api/index.js';

/** The facts every dispute event carries. */
interface DisputeFacts {
  /** The disputed payment. */
  transactionId: string;
  /** The payment's owner. */
  uid: string;
  /** Stripe's dispute id (`dp_...`). */
  disputeId: string;
  status: DisputeStatus;
  /** Stripe's reason (`fraudulent`...). */
  reason: string;
  /** Disputed amount, integer minor units, in `currency`. */
  amount: number;
  currency: string;
  /** Evidence deadline, epoch ms; null when none. */
  evidenceDueBy: number | null;
  /** The Stripe event that said it. */
  eventId: string;
}

/** A dispute was opened on a payment's charge: evidence is due by `evidenceDueBy` (metric DisputesOpened). */
export interface DisputeOpened extends DisputeFacts {
  type: 'dispute.opened';
  severity: 'WARNING';
}

/** A dispute changed (status, deadline, funds withdrawn or reinstated). */
export interface DisputeUpdated extends DisputeFacts {
  type: 'dispute.updated';
  severity: 'INFO';
  /** Set by a funds event. */
  funds?: 'withdrawn' | 'reinstated';
}

/** A dispute was closed: won, lost (WARNING: the money and the fee are gone), or closed as a warning. */
export interface DisputeClosed extends DisputeFacts {
  type: 'dispute.closed';
  severity: 'INFO' | 'WARNING';
}

/** A dispute on a PaymentIntent no ledger record holds (money at stake the ledger cannot show). */
export interface DisputeUnmatched {
  type: 'dispute.unmatched';
  severity: 'ERROR';
  disputeId: string;
  /** The PaymentIntent it names; null when it names none. */
  paymentIntent: string | null;
  amount: number;
  currency: string;
  eventId: string;
}

/** The dispute events of the webhook. */
export type DisputeEvent = DisputeOpened | DisputeUpdated | DisputeClosed | DisputeUnmatched;
