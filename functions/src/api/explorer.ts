/**
 * `getPayment` and `listPayments` (the payments explorer): what they show of a
 * payment. Part of the callables' contract (see api/index.ts): import-free, the
 * SPA bundles it. Amounts are major units (as `processPayment` takes them);
 * times epoch ms.
 */
import type { PaymentDispute, PaymentHistoryEvent } from './history.js';
import type { PaymentMethod, PaymentStatus } from './payments.js';
import type { RefundView } from './refunds.js';

/** A payment's dispute as the explorer shows it: the record's, with the amount in major units. */
export type DisputeView = Omit<PaymentDispute, 'amount'> & {
  /** Disputed amount, major units. */
  amount: number;
};

/** A payment as the explorer shows it: its owner sees this much, never the ledger's internals. */
export interface PaymentView {
  transactionId: string;
  /** The payer. */
  uid: string;
  /** Major units. */
  amount: number;
  currency: string;
  paymentMethod: PaymentMethod;
  status: PaymentStatus;
  /** Provider attempts over every call for this transactionId. */
  attempts: number;
  /** The provider's charge id; null until charged. */
  chargeId: string | null;
  /** Present on declines; else null. */
  declineCode: string | null;
  /** Last error of a failed or unknown payment (a code and a message for a person); else null. */
  error: { code: string; message: string } | null;
  /** Total of the payment's succeeded refunds, major units. */
  refundedAmount: number;
  /** Total of its refunds still pending or unknown, major units. */
  pendingRefundAmount: number;
  /** The payment's dispute (chargeback, Stripe only) with its evidence deadline; null when there is none. */
  dispute: DisputeView | null;
  createdAt: number;
  updatedAt: number;
}

/** What only an admin sees of a payment's ledger record (for support and incidents). */
export interface PaymentInternals {
  /** What the provider calls the payment (Stripe: the PaymentIntent id; generic: the endpoint pin); null = the transactionId. */
  providerRef: string | null;
  /** While a call or reconciliation holds the record: until when (epoch ms); else null. */
  leaseUntil: number | null;
  /** Send time of the last attempt whose outcome was left open; null when none. */
  openAttemptAt: number | null;
}

/** Answer of `getPayment` to the payment's owner. */
export interface PaymentDetail {
  payment: PaymentView;
  /** The payment's refunds, oldest first. */
  refunds: RefundView[];
}

/** Answer of `getPayment` to an admin: the owner's view, the ledger's internals and the payment's history. */
export interface AdminPaymentDetail extends PaymentDetail {
  internals: PaymentInternals;
  /** The payment's history, oldest first. */
  events: PaymentHistoryEvent[];
  /**
   * Pass it as `refundPayment`'s `seal` to refund this payment one Firestore
   * round trip cheaper: the payment and this admin's limits as read here,
   * encrypted by the server (nothing readable in it), usable only by this
   * admin, for 15 minutes. Present when the payment can be refunded (status
   * `succeeded`, something left to refund) and the server holds a seal key.
   */
  refundSeal?: string;
}

/** Answer of `getPayment`: {@link AdminPaymentDetail} for an admin, {@link PaymentDetail} for the owner. */
export type GetPaymentResult = PaymentDetail | AdminPaymentDetail;

/** Answer of `listPayments`: newest first. */
export interface ListPaymentsResult {
  payments: PaymentView[];
  /** Pass it as `cursor` (with the same filters) for the next page; null on the last page. */
  nextCursor: string | null;
}
