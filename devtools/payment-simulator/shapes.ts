/**
 * What the simulator's control API answers with (GET /__control/ledger,
 * /__control/refunds and /__control/stats), defined once for the server and every client; types only,
 * so the admin SPA can use them without Node.
 */
import type { Endpoint } from './faults.ts';

/** A charge or decline as the provider stores it and returns it. */
export type ChargeRecord = {
  /** Provider charge id, `ch_...`, stable across idempotent repeats. */
  id: string;
  /** `succeeded` or `declined`. */
  status: 'succeeded' | 'declined';
  /** Amount in minor units. */
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
  /** Payment method as sent by the caller. */
  paymentMethod: string;
  /** The caller's transaction id, which is also the idempotency key. */
  transactionId: string;
  /** Why it was declined; present only on declines. */
  declineCode?: string;
  /** ISO timestamp of when the charge was recorded (the commit, for delayed commits). */
  createdAt: string;
};

/** Snapshot of what the provider recorded. */
export type LedgerSnapshot = {
  /** Every charge and decline, oldest first (one per key, unless a forgotten key was reused). */
  charges: ChargeRecord[];
  /** Number of `POST /charge` requests per Idempotency-Key, whatever their outcome. */
  chargeRequests: Record<string, number>;
  /** Keys whose charge is accepted but not committed yet, with the ISO time it commits. */
  pendingCommits: Record<string, string>;
};

/** A refund as the provider stores it and returns it (`POST /refund`, `GET /refund/<refundId>`). */
export type RefundRecord = {
  /** Provider refund id, `re_...`, stable across idempotent repeats. */
  id: string;
  /** The caller's refund id, which is also the idempotency key. */
  refundId: string;
  /** The refunded charge's transactionId. */
  transactionId: string;
  /** Amount in minor units. */
  amount: number;
  /** ISO 4217 code, upper case: the charge's. */
  currency: string;
  /** `pending` until the provider settles it (fault `refundStatus`), then `succeeded` or `failed`. */
  status: 'succeeded' | 'pending' | 'failed';
  /** Why it failed; present only on failed refunds. */
  failureReason?: string;
  /** ISO timestamp of when the refund was recorded (the commit, for delayed commits). */
  createdAt: string;
};

/** Snapshot of the refunds the provider recorded (GET /__control/refunds). */
export type RefundSnapshot = {
  /** Every refund, oldest first (one per key, unless a forgotten key was reused). */
  refunds: RefundRecord[];
  /** Number of `POST /refund` requests per Idempotency-Key, whatever their outcome. */
  refundRequests: Record<string, number>;
  /** Keys whose refund is accepted but not committed yet, with the ISO time it commits. */
  pendingCommits: Record<string, string>;
};

/** Snapshot of traffic counters. */
export type SimulatorStats = {
  /** TCP connections accepted since start or the last reset (control traffic included). */
  connectionsOpened: number;
  /** TCP connections open right now. */
  connectionsOpen: number;
  /**
   * Provider API requests by endpoint (`POST /charge`, `GET /charge/:id`, `POST /refund`, `GET /refund/:id`,
   * `GET /health`, anything else); control requests are not counted.
   */
  requests: Record<Endpoint, number>;
  /** Provider requests received and not yet answered or abandoned, right now. */
  inFlight: number;
  /** Most provider requests in flight at once since start or the last reset. */
  peakInFlight: number;
};
