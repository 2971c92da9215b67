import { CancelPaymentRequest, type CancelPaymentResult } from '../api/index.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `cancelPayment` (the payment's owner, or an admin): `{ transactionId }` ->
 * `{ transactionId, status: 'canceled' }` (payments/cancelPayment.ts). An
 * admin's session is checked (revoked or disabled: `unauthenticated`) before
 * it may act on another user's payment.
 */
export const cancelPayment = defineCallable(
  'cancelPayment',
  Access.user,
  async (data, caller, rt, request): Promise<CancelPaymentResult> => {
    const { transactionId } = parsePayload(CancelPaymentRequest, data);
    if (caller.admin) await rt.sessions.require(caller.uid, Number(request.auth?.token.auth_time) || 0);
    return rt.cancel(transactionId, caller);
  },
  { provider: true },
);
