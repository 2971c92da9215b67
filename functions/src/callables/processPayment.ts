import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PAYMENT_ERROR_CODES } from '../payments/paymentErrors.js';
import { Access, defineCallable } from './defineCallable.js';
import { mapErrorCodes } from './toHttpsError.js';
import { parsePayload } from './validate.js';

mapErrorCodes(PAYMENT_ERROR_CODES);

/** Accepted payment methods. */
export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'bank_transfer', 'digital_wallet'] as const;

const Payload = z.strictObject({
  amount: z.number({ error: 'must be a number in major units, e.g. 25.99' }),
  paymentMethod: z.enum(PAYMENT_METHODS, { error: `must be one of ${PAYMENT_METHODS.join(', ')}` }),
  currency: z.string({ error: 'must be an ISO 4217 code such as USD' }).optional(),
  transactionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .optional(),
});

/**
 * `processPayment` (any signed-in user): `{ amount, paymentMethod, currency?, transactionId? }` ->
 * `{ transactionId, status, chargeId, amount, currency, attempts, replayed, declineCode? }`.
 * A missing transactionId is generated; repeating a transactionId replays its result.
 */
export const processPayment = defineCallable('processPayment', Access.user, async (data, caller, rt) => {
  const p = parsePayload(Payload, data);
  const transactionId = p.transactionId ?? `txn_${randomUUID().replace(/-/g, '')}`;
  const started = Date.now();
  try {
    const result = await rt.payments().processPayment(p.amount, p.paymentMethod, transactionId, {
      uid: caller.uid,
      ...(p.currency !== undefined ? { currency: p.currency } : {}),
    });
    rt.metrics.recordPayment({
      outcome: result.replayed ? 'replayed' : result.status,
      latencyMs: Date.now() - started,
      attempts: result.attempts,
    });
    return result;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    rt.metrics.recordPayment({ outcome: code, latencyMs: Date.now() - started });
    throw err;
  }
});
