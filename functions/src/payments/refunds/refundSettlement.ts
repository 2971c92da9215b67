import type { RefundRecord } from './refundLedger.js';
import { refundMismatch, type ProviderRefund, type RefundLookupAnswer } from './refundProvider.js';

/** What a lookup of a refund says, judged against its record and its settle window. */
export type RefundSettlement =
  /** The provider's refund, same amount and currency as the record. */
  | { kind: 'found'; refund: ProviderRefund }
  /** A refund of another amount or currency: never this refund's outcome (a person must look). */
  | { kind: 'mismatch'; refund: ProviderRefund }
  /** Not found, and the provider can no longer be working on it: certainly not refunded. */
  | { kind: 'not-made' }
  /** Not found yet, but the provider may still make it until `until`. */
  | { kind: 'settling'; until: number }
  /** No usable answer. */
  | { kind: 'unanswered'; reason: string };

/**
 * Judges a lookup of `refund`: "not found" proves nothing until `settleMs`
 * after its last open attempt (`settleFrom`), and nothing at all for a refund
 * the provider already named (its id came from the provider: another account's key?).
 */
export function settleRefund(
  look: RefundLookupAnswer,
  refund: Pick<RefundRecord, 'amount' | 'currency' | 'providerRefundId'>,
  settleFrom: number | null,
  settleMs: number,
  now: number,
): RefundSettlement {
  switch (look.kind) {
    case 'found':
      return refundMismatch(look.refund, refund)
        ? { kind: 'mismatch', refund: look.refund }
        : { kind: 'found', refund: look.refund };
    case 'unavailable':
      return { kind: 'unanswered', reason: look.reason };
    case 'not-found':
      if (refund.providerRefundId !== null) {
        return { kind: 'unanswered', reason: `the provider does not know its refund ${refund.providerRefundId}` };
      }
      if (settleFrom !== null && now < settleFrom + settleMs) return { kind: 'settling', until: settleFrom + settleMs };
      return { kind: 'not-made' };
  }
}
