import { RefundPaymentRequest, type RefundPaymentResult } from '../api/index.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `refundPayment` (admins only; the wrapper checks the admin's session):
 * `{ transactionId, refundId, amount?, reason? }` -> `{ transactionId,
 * refundId, status, amount, currency, refundedAmount, replayed }`
 * (payments/refunds/refundPayment.ts). Money-moving: App Check tokens are
 * consumed (MONEY_MOVING_CALLABLES), and each call spends from the admin's
 * per-user limits.
 */
export const refundPayment = defineCallable(
  'refundPayment',
  Access.admin,
  (data, caller, rt): Promise<RefundPaymentResult> => rt.refund(parsePayload(RefundPaymentRequest, data), caller),
  { provider: true, seal: true },
);
