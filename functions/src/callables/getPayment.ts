import { GetPaymentRequest, type GetPaymentResult } from '../api/index.js';
import { explorerOf } from '../app/explorerRuntime.js';
import { getPayment as readPayment } from '../payments/explorer/explorer.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `getPayment` (the payment's owner, or an admin): `{ transactionId }` -> an
 * admin gets `{ payment, internals }`, the owner `{ payment }`
 * (payments/explorer/explorer.ts). Unknown -> `not-found`; another user's
 * payment -> `permission-denied`. An admin's session is checked (revoked or
 * disabled: `unauthenticated`) before another user's payment is shown.
 */
export const getPayment = defineCallable(
  'getPayment',
  Access.user,
  async (data, caller, rt, request): Promise<GetPaymentResult> => {
    // The session first, so a revoked admin learns nothing, not even whether the payload was well formed.
    if (caller.admin) await rt.sessions.require(caller.uid, Number(request.auth?.token.auth_time) || 0);
    const { transactionId } = parsePayload(GetPaymentRequest, data);
    return readPayment(explorerOf(rt), transactionId, caller);
  },
  { seal: true },
);
