import { REFUND_SEAL_MAX_LENGTH } from '../../api/index.js';
import { seal, unseal, type SealedDoc } from '../../access/sealedReads.js';
import type { UserLimitState } from '../limits/userLimiter.js';
import type { PaymentRecord } from '../ledger/paymentLedger.js';

/**
 * The refund seal (access/sealedReads.ts, purpose `refund`): the payment and
 * the asking admin's limits as `getPayment` read them, so the refund's
 * write-ahead can run its claim rule on these copies and commit
 * preconditioned on their update times instead of reading them again. Only
 * the fields the claim rule (refundRules.ts claimRefundStep, the limiter's
 * admit) reads are sealed.
 */

/** The purpose refund seals are bound to. */
export const REFUND_SEAL_PURPOSE = 'refund';

/** A Firestore update time as sealed. */
export type SealTime = NonNullable<SealedDoc['updateTime']>;

/** The payment's fields a refund claim reads. */
export type SealedPayment = Pick<
  PaymentRecord,
  'status' | 'currency' | 'amount' | 'uid' | 'providerRef' | 'refundedAmount' | 'pendingRefundAmount'
>;

/** What an opened refund seal gives: the copies and the update times to write preconditioned on. */
export interface RefundSealCopies {
  payment: { record: SealedPayment; updateTime: SealTime };
  /** The admin's limits; `updateTime` null: the document did not exist (a create applies). */
  limits: { state: UserLimitState | undefined; updateTime: SealTime | null };
}

/** A payment as getPayment read it for an admin, and that admin's refund seal (null: none to give). */
export interface SealedPaymentRead {
  record: PaymentRecord | null;
  refundSeal: string | null;
}

/** The port getPayment reads an admin's payment through when it hands out refund seals. */
export interface RefundSealReader {
  /** The payment and `uid`'s limits in one round trip; a seal of both for `uid` when the payment can be refunded. */
  readWithSeal(transactionId: string, uid: string): Promise<SealedPaymentRead>;
}

const paymentPath = (transactionId: string) => `payments/${transactionId}`;
const limitsPath = (uid: string) => `userLimits/${uid}`;

function sealedPayment(p: PaymentRecord): SealedPayment {
  const { status, currency, amount, uid, providerRef, refundedAmount, pendingRefundAmount } = p;
  return { status, currency, amount, uid, providerRef, refundedAmount, pendingRefundAmount };
}

function sealedLimits(s: UserLimitState): UserLimitState {
  return { tokens: s.tokens, refilledAt: s.refilledAt, inFlight: s.inFlight, ...(s.spent ? { spent: s.spent } : {}) };
}

/**
 * The seal of `copies` for admin `uid`'s refund of `transactionId`, or null
 * when it would be longer than refundPayment accepts (the refund then reads).
 */
export function sealRefund(
  key: string,
  uid: string,
  transactionId: string,
  copies: { payment: { record: PaymentRecord; updateTime: SealTime }; limits: RefundSealCopies['limits'] },
  now: number,
): string | null {
  const docs: SealedDoc[] = [
    {
      path: paymentPath(transactionId),
      updateTime: copies.payment.updateTime,
      data: sealedPayment(copies.payment.record),
    },
    {
      path: limitsPath(uid),
      updateTime: copies.limits.updateTime,
      data: copies.limits.state ? sealedLimits(copies.limits.state) : null,
    },
  ];
  const token = seal(key, REFUND_SEAL_PURPOSE, uid, docs, now);
  return token.length <= REFUND_SEAL_MAX_LENGTH ? token : null;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptionalNumber = (v: unknown) => v === undefined || isNumber(v);
const isNumberMap = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isNumber);

function asPayment(v: unknown): SealedPayment | null {
  if (typeof v !== 'object' || v === null) return null;
  const p = v as Record<string, unknown>;
  const ok =
    typeof p.status === 'string' &&
    typeof p.currency === 'string' &&
    Number.isInteger(p.amount) &&
    typeof p.uid === 'string' &&
    (p.providerRef === undefined || typeof p.providerRef === 'string') &&
    isOptionalNumber(p.refundedAmount) &&
    isOptionalNumber(p.pendingRefundAmount);
  return ok ? (v as SealedPayment) : null;
}

function asLimits(v: unknown): UserLimitState | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Record<string, unknown>;
  const ok =
    isNumber(s.tokens) &&
    isNumber(s.refilledAt) &&
    isNumberMap(s.inFlight) &&
    (s.spent === undefined || isNumberMap(s.spent));
  return ok ? (v as UserLimitState) : null;
}

/**
 * The copies of a refund seal made for admin `uid` and `transactionId`, or
 * null when it does not open (forged, altered, another admin's or purpose,
 * expired), names other documents, or holds data of another shape. Never throws.
 */
export function openRefundSeal(
  key: string,
  uid: string,
  transactionId: string,
  token: string,
  now: number,
): RefundSealCopies | null {
  const docs = unseal(key, REFUND_SEAL_PURPOSE, uid, token, now);
  if (!docs || docs.length !== 2) return null;
  const [p, l] = docs as [SealedDoc, SealedDoc];
  if (p.path !== paymentPath(transactionId) || l.path !== limitsPath(uid) || p.updateTime === null) return null;
  const record = asPayment(p.data);
  if (!record) return null;
  if (l.updateTime === null) {
    return l.data === null
      ? { payment: { record, updateTime: p.updateTime }, limits: { state: undefined, updateTime: null } }
      : null;
  }
  const state = asLimits(l.data);
  if (!state) return null;
  return { payment: { record, updateTime: p.updateTime }, limits: { state, updateTime: l.updateTime } };
}
