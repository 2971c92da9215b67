import { randomUUID } from 'node:crypto';
import type { PaymentMethod, ProcessPaymentRequest } from '../api/index.js';
import { normalizeCurrency, toMinorUnits } from './money.js';

/**
 * A payment inside the domain: validated, amount in integer minor units,
 * currency normalized, transactionId present. The ledger and the provider
 * ports take this shape; the callable's payload (ProcessPaymentRequest)
 * becomes one in {@link toPaymentRequest} only.
 */
export interface PaymentRequest {
  transactionId: string;
  uid: string;
  /** Integer minor units. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  paymentMethod: PaymentMethod;
  /** The provider's own payment method (Stripe: a PaymentMethod id `pm_...` made with Stripe.js), part of "the same request". */
  paymentMethodId?: string;
}

/** A new transactionId for a payload that came without one. */
export function newTransactionId(): string {
  return `txn_${randomUUID().replace(/-/g, '')}`;
}

/**
 * The domain's request of a validated payload: the amount converted once,
 * exactly, to minor units (at most `maxAmount` major units), the currency
 * upper-cased and checked (default USD). Throws INVALID_ARGUMENT.
 */
export function toPaymentRequest(
  input: ProcessPaymentRequest,
  transactionId: string,
  uid: string,
  maxAmount: number,
): PaymentRequest {
  const currency = normalizeCurrency(input.currency ?? 'USD');
  return {
    transactionId,
    uid,
    amount: toMinorUnits(input.amount, currency, maxAmount),
    currency,
    paymentMethod: input.paymentMethod,
    ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
  };
}
