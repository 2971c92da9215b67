/** The payment ledger's health in words and tones, as the Ledger health panel says it. */
import type { LedgerHealth, ReconcileReport } from '../api/types';
import { formatSpan } from './format';
import { TONE, type Tone } from './tones';

/** One counted line of the panel: the number goes in a badge, the words after it. */
export type LedgerLine = {
  /** Stable name, used in test ids (`ledger-<key>`). */
  key:
    | 'unknown'
    | 'waiting'
    | 'expired'
    | 'lost-claims'
    | 'mismatches'
    | 'orphan-charges'
    | 'foreign-intents'
    | 'late-successes'
    | 'pending-refunds'
    | 'unknown-refunds'
    | 'orphan-refunds';
  count: number;
  text: string;
  tone: Tone;
  /** What the number means for the operator; only when it is not 0. */
  hint?: string;
};

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** `3 errors`, `1 error`. */
function counted(n: number, one: string, many?: string): string {
  return `${n} ${plural(n, one, many)}`;
}

/**
 * The ledger's counters in words. Payments waiting at the provider
 * (requires_action, requires_payment_method, processing) are normal traffic. Undecided records (unknown, expired claims)
 * are warnings: reconciliation is meant to settle them. Lost claims, amount
 * mismatches, orphan charges (money no payment holds) and late successes
 * (money taken after the ledger said "not charged") are incidents someone
 * must look into, so they are bad. Foreign PaymentIntents changed nothing, but
 * something outside this product names its payments: a warning. So are
 * orphan refunds (money given back that no payment holds: usually the fix of
 * an orphan charge, done by hand in the Dashboard).
 */
export function ledgerLines(ledger: LedgerHealth): LedgerLine[] {
  const { unknown, oldestUnknownAgeMs, waiting, expiredPending, lostClaims, mismatches } = ledger;
  const { orphanCharges, foreignIntents, lateSuccesses, pendingRefunds, unknownRefunds, orphanRefunds } = ledger;
  const oldest = unknown > 0 && oldestUnknownAgeMs !== null ? `, oldest ${formatSpan(oldestUnknownAgeMs)}` : '';
  const lines: LedgerLine[] = [
    {
      key: 'unknown',
      count: unknown,
      text: `${plural(unknown, 'payment')} with unknown outcome${oldest}`,
      tone: unknown > 0 ? TONE.warn : TONE.ok,
      hint: 'maybe charged; reconciliation asks the provider',
    },
    {
      key: 'waiting',
      count: waiting,
      text: `${plural(waiting, 'payment')} waiting at the provider (requires_action, requires_payment_method, processing)`,
      // Normal traffic (a customer in 3-D Secure, a bank debit on its way), not a problem.
      tone: waiting > 0 ? TONE.neutral : TONE.ok,
      hint: 'accepted by the provider; settled by its webhook, a repeat call or reconciliation',
    },
    {
      key: 'expired',
      count: expiredPending,
      text: plural(expiredPending, 'expired claim'),
      tone: expiredPending > 0 ? TONE.warn : TONE.ok,
      hint: 'left pending by a call that stopped; reconciliation settles these too',
    },
    {
      key: 'lost-claims',
      count: lostClaims,
      text: plural(lostClaims, 'lost claim'),
      tone: lostClaims > 0 ? TONE.bad : TONE.ok,
      hint: 'calls whose claim was taken over before they wrote; see payment.claim_lost in the logs',
    },
    {
      key: 'mismatches',
      count: mismatches,
      text: plural(mismatches, 'amount mismatch', 'amount mismatches'),
      tone: mismatches > 0 ? TONE.bad : TONE.ok,
      hint: 'charges found with another amount or currency; see CHARGE_MISMATCH in the logs',
    },
    {
      key: 'orphan-charges',
      count: orphanCharges,
      text: plural(orphanCharges, 'orphan charge'),
      tone: orphanCharges > 0 ? TONE.bad : TONE.ok,
      hint: 'money taken that no payment holds; see stripe_webhook.orphan_charge in the logs, refund or link it by hand',
    },
    {
      key: 'foreign-intents',
      count: foreignIntents,
      text: `${plural(foreignIntents, 'event')} of foreign PaymentIntents`,
      tone: foreignIntents > 0 ? TONE.warn : TONE.ok,
      hint: 'PaymentIntents made outside this product named a payment, which was left as it was; see stripe_webhook.foreign_intent',
    },
    {
      key: 'late-successes',
      count: lateSuccesses,
      text: plural(lateSuccesses, 'late success', 'late successes'),
      tone: lateSuccesses > 0 ? TONE.bad : TONE.ok,
      hint: 'payments recorded not charged that the provider then charged; see payment.late_success in the logs',
    },
    {
      key: 'pending-refunds',
      count: pendingRefunds,
      text: `${plural(pendingRefunds, 'refund')} pending`,
      // In flight, or accepted by the provider and settled later (Stripe refunds can take days): normal traffic.
      tone: pendingRefunds > 0 ? TONE.neutral : TONE.ok,
      hint: 'in flight, or accepted by the provider; settled by its webhook or reconciliation',
    },
    {
      key: 'unknown-refunds',
      count: unknownRefunds,
      text: `${plural(unknownRefunds, 'refund')} with unknown outcome`,
      tone: unknownRefunds > 0 ? TONE.warn : TONE.ok,
      hint: 'maybe refunded; reconciliation asks the provider',
    },
    {
      key: 'orphan-refunds',
      count: orphanRefunds,
      text: plural(orphanRefunds, 'orphan refund'),
      tone: orphanRefunds > 0 ? TONE.warn : TONE.ok,
      hint: 'Stripe refunds of PaymentIntents no payment holds (an orphan charge refunded by hand?); see stripe_webhook.orphan_refund',
    },
  ];
  return lines.map((line) => (line.count > 0 ? line : { ...line, hint: undefined }));
}

/** A pass that hit errors left records for the next pass: bad; otherwise ok. */
export function reportTone(report: ReconcileReport): Tone {
  return report.errors > 0 ? TONE.bad : TONE.ok;
}

const RANK: Record<Tone, number> = { [TONE.neutral]: 0, [TONE.ok]: 1, [TONE.warn]: 2, [TONE.bad]: 3 };

/** The worst tone of the counters and of the last pass: what the panel's summary badge shows. */
export function ledgerTone(ledger: LedgerHealth): Tone {
  const tones = ledgerLines(ledger).map((line) => line.tone);
  if (ledger.lastRun) tones.push(reportTone(ledger.lastRun));
  return tones.reduce((worst, tone) => (RANK[tone] > RANK[worst] ? tone : worst), TONE.ok);
}

/** The summary badge's word for a tone. */
export const LEDGER_TONE_LABEL: Record<Tone, string> = {
  [TONE.ok]: 'healthy',
  [TONE.warn]: 'needs attention',
  [TONE.bad]: 'problem',
  [TONE.neutral]: 'no data',
};

/**
 * What one pass did, e.g. "examined 12: 3 charged, 8 not charged, 1 still
 * unknown, 0 errors; complete". Mismatches and skipped records are named only
 * when there were some, to keep the usual line short.
 */
export function describeReport(report: ReconcileReport): string {
  const parts = [
    `${report.charged} charged`,
    `${report.notCharged} not charged`,
    `${report.stillUnknown} still unknown`,
  ];
  if (report.waiting > 0) parts.push(`${report.waiting} waiting at the provider`);
  if (report.mismatches > 0) parts.push(counted(report.mismatches, 'amount mismatch', 'amount mismatches'));
  if (report.skipped > 0) parts.push(`${report.skipped} skipped (busy or changed)`);
  parts.push(counted(report.errors, 'error'));
  const end = report.complete ? 'complete' : 'incomplete (the time budget ran out; the next pass goes on)';
  return `examined ${report.examined}: ${parts.join(', ')}; ${end}`;
}
