import { chargeMismatch, type Charge, type LookupAnswer, type PendingState } from './provider/paymentProvider.js';
import type { PaymentRequest } from './paymentRequest.js';

/** What a lookup proves about a payment. */
export type Settlement =
  /** Found, and it is this payment (amount and currency agree). */
  | { kind: 'charged'; charge: Charge }
  /** Found with another amount or currency (`expected`: the payment's): never this payment's success. */
  | { kind: 'mismatch'; charge: Charge; expected: Pick<PaymentRequest, 'amount' | 'currency'> }
  /** Accepted by the provider and waiting (for the customer, or for the network). */
  | { kind: 'pending'; state: PendingState; clientSecret?: string }
  /** The provider's payment was canceled: never charged, and it never can be. */
  | { kind: 'canceled' }
  /** Not found after the settle window: certainly not charged. */
  | { kind: 'not-charged' }
  /** Not found, but the provider may still charge until `until`. */
  | { kind: 'settling'; until: number }
  /** The provider could not answer. */
  | { kind: 'unanswered'; reason: string };

/**
 * Reads a lookup against the payment it was made for. `settleUntil` is the end
 * of the settle window of attempts that got no definite answer (null when no
 * attempt may still be processed): until then, "not found" proves nothing,
 * since real providers keep processing after a client gave up.
 */
export function settle(
  look: LookupAnswer,
  req: Pick<PaymentRequest, 'amount' | 'currency'>,
  settleUntil: number | null,
  now: number,
): Settlement {
  if (look.kind === 'found') return settleCharge(look.charge, req);
  if (look.kind === 'unavailable') return { kind: 'unanswered', reason: look.reason };
  if (look.kind === 'pending' || look.kind === 'canceled') return look;
  if (settleUntil !== null && now < settleUntil) return { kind: 'settling', until: settleUntil };
  return { kind: 'not-charged' };
}

/** A charge the provider answered, read against the payment it was asked about. */
export function settleCharge(
  charge: Charge,
  req: Pick<PaymentRequest, 'amount' | 'currency'>,
): Extract<Settlement, { kind: 'charged' | 'mismatch' }> {
  return chargeMismatch(charge, req)
    ? { kind: 'mismatch', charge, expected: { amount: req.amount, currency: req.currency } }
    : { kind: 'charged', charge };
}

/** The ledger error of a settlement that leaves the payment unknown. */
export function unknownError(s: Exclude<Settlement, { kind: 'charged' | 'not-charged' | 'pending' | 'canceled' }>): {
  code: string;
  message: string;
} {
  switch (s.kind) {
    case 'mismatch':
      return {
        code: 'CHARGE_MISMATCH',
        message: `the provider's charge ${s.charge.chargeId} is for ${s.charge.amount ?? '?'} ${s.charge.currency ?? '?'}`,
      };
    case 'settling':
      return {
        code: 'SETTLING',
        message: `not found yet; the provider may still charge until ${new Date(s.until).toISOString()}`,
      };
    case 'unanswered':
      return { code: 'LOOKUP_UNAVAILABLE', message: s.reason };
  }
}
