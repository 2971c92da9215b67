/**
 * The ledger on the wire: `runReconciliation`'s report and the ledger health.
 * Part of the callables' contract (see api/index.ts): import-free, the SPA bundles it.
 */

/** What one reconciliation pass did: the answer of `runReconciliation`. */
export interface ReconcileReport {
  /** When the pass started. */
  at: number;
  durationMs: number;
  /** Records claimed and looked up (`unknown`, and `pending` whose lease had ended). */
  examined: number;
  /** Settled to succeeded/declined from the provider's answer. */
  charged: number;
  /** Settled not charged: failed (not found at the provider after the settle window), or canceled at the provider first (Stripe: an open outcome, or a payment abandoned past PAYMENT_ACTION_TIMEOUT_MS). */
  notCharged: number;
  /** Left unknown: still inside the settle window, the provider could not answer, or a mismatch. */
  stillUnknown: number;
  /** Accepted by the provider and still waiting there (requires_action, requires_payment_method, processing). */
  waiting: number;
  /** Found at the provider with another amount or currency (left unknown, logged at ERROR). */
  mismatches: number;
  /** Not acted on: a live call holds them, or they changed since the scan. */
  skipped: number;
  /** Records whose settlement failed with an error (logged; left for the next pass). */
  errors: number;
  /** False when the time budget ran out before every candidate was reached. */
  complete: boolean;
  /** What the pass did with refunds (`unknown`, and `pending` whose lease or next check ended); absent before refunds existed. */
  refunds?: RefundReconcileCounts;
  /**
   * The pass's id, its holder name in the fleet-wide reconciliation lease (scheduled and runReconciliation passes
   * alike); the `runId` a call refused with RECONCILE_RUNNING names. Absent from `ledgerStats/lastReconciliation`.
   */
  runId?: string;
}

/** What one reconciliation pass did with refunds. */
export interface RefundReconcileCounts {
  /** Refunds claimed and looked up. */
  examined: number;
  /** Settled succeeded from the provider's answer. */
  refunded: number;
  /** Settled failed: the provider failed them, or made none (not found after the settle window). */
  notRefunded: number;
  /** Left open: waiting at the provider, inside the settle window, unanswered. */
  stillOpen: number;
  /** Found with another amount or currency (left unknown, logged at ERROR). */
  mismatches: number;
  /** Not acted on: held by a live call, or changed since the scan. */
  skipped: number;
  /** Refunds whose settlement failed with an error (left for the next pass). */
  errors: number;
}

/** The ledger as operators watch it: what is undecided, and the incidents counted fleet-wide. */
export interface LedgerHealth {
  /** Records whose outcome is not known yet (maybe charged). */
  unknown: number;
  /** Age of the oldest `unknown` record, ms; null when there is none. */
  oldestUnknownAgeMs: number | null;
  /** Accepted by the provider and waiting there (requires_action, requires_payment_method, processing). */
  waiting: number;
  /** `pending` records whose lease ended: their call died or lost its claim. */
  expiredPending: number;
  /** Calls that found their claim taken over before they could write (since the project began). */
  lostClaims: number;
  /** Lookups that found a charge with another amount or currency than the ledger's. */
  mismatches: number;
  /**
   * Succeeded PaymentIntents that belong to no record: they name none, a record that does not exist,
   * or one whose PaymentIntent they are not (money nobody recorded: refund or link by hand).
   */
  orphanCharges: number;
  /** Webhook events of PaymentIntents that name a record but are not its own (another id, another or no uid). */
  foreignIntents: number;
  /** Money wins: payments recorded not charged (failed, declined, canceled) that the provider then said succeeded. */
  lateSuccesses: number;
  /** Refunds `pending`: in flight, or accepted by the provider and settled later. */
  pendingRefunds: number;
  /** Refunds `unknown`: maybe refunded, resolved by lookup and reconciliation. */
  unknownRefunds: number;
  /** Payments whose dispute (chargeback) is open: evidence may be due (Stripe; 0 with the generic provider). */
  openDisputes: number;
  /** The earliest evidence deadline of an open dispute, epoch ms; null when none has one. */
  nextEvidenceDueAt: number | null;
  /** Stripe refunds of PaymentIntents no record holds (refunds of orphan charges or of payments made elsewhere). */
  orphanRefunds: number;
  /** The last reconciliation pass; null before the first. */
  lastRun: ReconcileReport | null;
}
