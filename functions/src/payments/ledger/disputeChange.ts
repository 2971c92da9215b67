import type { PaymentDispute } from '../../api/index.js';

/** The port types of a dispute event and its effect (PaymentLedger.applyDispute; the rule: disputeRules.ts). */

/** What one Stripe dispute event says (applied by ledger/disputeRules.ts). */
export interface DisputeChange {
  dispute: PaymentDispute;
  /** Stripe's event id and type (`charge.dispute.created`...), for the history. */
  eventId: string;
  eventType: string;
  /** When the event happened (Stripe's `created`), epoch ms. */
  eventAt: number;
  /** Set by `charge.dispute.funds_withdrawn` / `.funds_reinstated`. */
  funds?: 'withdrawn' | 'reinstated';
}

/** What applying a dispute event did. */
export type DisputeApplied =
  /** `uid`: the payment's owner; `currency`: the payment's. */
  | { kind: 'opened' | 'updated' | 'closed'; dispute: PaymentDispute; uid: string; currency: string }
  /** Older than what the record holds, a closed dispute's reopening, or nothing new. */
  | { kind: 'stale' | 'unchanged' }
  | { kind: 'no-record' };
