import { ProcessPaymentRequest, type ErrorCode, type ProcessPaymentResult } from '../api/index.js';
import type { Config } from '../config/index.js';
import { AppError } from '../resilience/appError.js';
import { PaymentPhase } from '../payments/index.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

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
  (data, caller, rt, _request, phases): Promise<ProcessPaymentResult> => {
    const validated = phases.start();
    let payload: ProcessPaymentRequest;
    try {
      payload = parsePayload(ProcessPaymentRequest, data);
      checkProviderFields(payload, rt.cfg);
    } finally {
      phases.add(PaymentPhase.validate, validated());
    }
    return rt.payments().processPayment(payload, caller.uid, phases);
  },
  { provider: true, seal: true },
);
