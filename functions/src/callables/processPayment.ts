import { z } from 'zod';
import {
  type ErrorCode,
  PaymentMethod,
  TRANSACTION_ID_PATTERN,
  TRANSACTION_ID_RULE,
  type ProcessPaymentResult,
} from '../api/index.js';
import type { Config } from '../config/index.js';
import { AppError } from '../resilience/appError.js';
import { Access, defineCallable } from './defineCallable.js';
import { parsePayload } from './validate.js';

const METHODS = Object.values(PaymentMethod);

const Payload = z.strictObject({
  amount: z.number({ error: 'must be a number in major units, e.g. 25.99' }),
  paymentMethod: z.enum(PaymentMethod, { error: `must be one of ${METHODS.join(', ')}` }),
  currency: z
    .string({ error: 'must be an ISO 4217 code such as USD' })
    .max(8, 'must be an ISO 4217 code such as USD')
    .optional(),
  transactionId: z.string().regex(TRANSACTION_ID_PATTERN, `must be ${TRANSACTION_ID_RULE}`).optional(),
  paymentMethodId: z
    .string()
    .regex(/^pm_[A-Za-z0-9_]{1,255}$/, 'must be a Stripe PaymentMethod id (pm_...) created with Stripe.js')
    .optional(),
});

/** What the configured provider needs beyond the payload's shape: Stripe needs a PaymentMethod, the generic contract none. */
function checkProviderFields(p: { paymentMethodId?: string | undefined }, cfg: Config): void {
  const stripe = cfg.PAYMENT_PROVIDER === 'stripe';
  if (!stripe && p.paymentMethodId !== undefined) {
    throw new AppError<ErrorCode>(
      'INVALID_ARGUMENT',
      'Invalid request: paymentMethodId: only accepted with the Stripe provider',
      {
        details: { problems: ['paymentMethodId: only accepted with the Stripe provider'] },
      },
    );
  }
  if (stripe && p.paymentMethodId === undefined && cfg.STRIPE_TEST_PAYMENT_METHOD === undefined) {
    throw new AppError<ErrorCode>(
      'INVALID_ARGUMENT',
      'Invalid request: paymentMethodId: required (a Stripe PaymentMethod id, pm_...)',
      {
        details: { problems: ['paymentMethodId: required'] },
      },
    );
  }
}

/**
 * `processPayment` (any signed-in user): `{ amount, paymentMethod, currency?, transactionId? }` ->
 * `{ transactionId, status, chargeId, amount, currency, attempts, replayed, declineCode? }`.
 * A missing transactionId is generated; repeating a transactionId replays its result.
 */
export const processPayment = defineCallable(
  'processPayment',
  Access.user,
  (data, caller, rt): Promise<ProcessPaymentResult> => {
    const payload = parsePayload(Payload, data);
    checkProviderFields(payload, rt.cfg);
    return rt.payments().processPayment(payload, caller.uid);
  },
);
