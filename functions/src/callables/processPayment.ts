import { z } from 'zod';
import { PaymentMethod, TRANSACTION_ID_PATTERN, TRANSACTION_ID_RULE, type ProcessPaymentResult } from '../api.js';
import { Access, defineCallable } from './defineCallable.js';
import { parsePayload } from './validate.js';

const METHODS = Object.values(PaymentMethod);

const Payload = z.strictObject({
  amount: z.number({ error: 'must be a number in major units, e.g. 25.99' }),
  paymentMethod: z.enum(PaymentMethod, { error: `must be one of ${METHODS.join(', ')}` }),
  currency: z.string({ error: 'must be an ISO 4217 code such as USD' }).max(8, 'must be an ISO 4217 code such as USD').optional(),
  transactionId: z.string().regex(TRANSACTION_ID_PATTERN, `must be ${TRANSACTION_ID_RULE}`).optional(),
});

/**
 * `processPayment` (any signed-in user): `{ amount, paymentMethod, currency?, transactionId? }` ->
 * `{ transactionId, status, chargeId, amount, currency, attempts, replayed, declineCode? }`.
 * A missing transactionId is generated; repeating a transactionId replays its result.
 */
export const processPayment = defineCallable(
  'processPayment',
  Access.user,
  (data, caller, rt): Promise<ProcessPaymentResult> =>
    rt.payments().processPayment(parsePayload(Payload, data), caller.uid),
);
