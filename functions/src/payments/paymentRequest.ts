import { randomBytes } from 'node:crypto';
import type { PaymentMethod, ProcessPaymentRequest } from '../api/index.js';
import { InvalidMoneyError, normalizeCurrency, toMinorUnits } from './money.js';
import type { ProviderMoney } from './provider/providerMoney.js';

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
  /**
   * The provider's reference named before the claim (PaymentProvider.referenceAtClaim): a
   * record the claim creates holds it from its first write, so nothing is written between the claim and
   * the first attempt. Not part of "the same request".
   */
  providerRef?: string;
}

/**
 * `req` with the reference `provider` names without I/O (PaymentProvider.referenceAtClaim), for the
 * claim to write on a new record; `req` itself for providers that prepare one first.
 */
export function pinned(
  req: PaymentRequest,
  provider: { referenceAtClaim?(r: PaymentRequest): string },
): PaymentRequest {
  return provider.referenceAtClaim ? { ...req, providerRef: provider.referenceAtClaim(req) } : req;
}

/** The request a stored payment was made with (its record's owner and money), for lookups and cancels after its call. */
export function requestOfRecord(
  transactionId: string,
  r: Pick<PaymentRequest, 'uid' | 'amount' | 'currency' | 'paymentMethod'>,
): PaymentRequest {
  return { transactionId, uid: r.uid, amount: r.amount, currency: r.currency, paymentMethod: r.paymentMethod };
}

/**
 * A new transactionId for a payload that came without one: 128 random bits in base 36, never with a run
 * of 13 decimal digits. The logs mask such a run as a card number when it passes Luhn, which would hide
 * the id from a log search; hex made one in about 4 ids in 100, base 36 in about 1 in a million, redrawn.
 */
export function newTransactionId(): string {
  for (;;) {
    const id = `txn_${BigInt(`0x${randomBytes(16).toString('hex')}`).toString(36)}`;
    if (!LONG_DIGIT_RUN.test(id)) return id;
  }
}

/** The shortest digit run the log redaction may take for a card number (13-19 digits). */
const LONG_DIGIT_RUN = /\d{13}/;

/** What a payload's money must satisfy: PAYMENT_MAX_AMOUNT, PAYMENT_CURRENCIES and the provider's own rules. */
export interface MoneyPolicy {
  /** Largest amount in major units (PAYMENT_MAX_AMOUNT). */
  maxAmount: number;
  /** The provider's currencies, minor units and amount rules. */
  money: ProviderMoney;
  /** Currencies accepted (PAYMENT_CURRENCIES); every one the provider supports when absent. */
  currencies?: ReadonlySet<string> | undefined;
}

/**
 * The domain's request of a validated payload: the currency upper-cased and
 * checked (default USD) against PAYMENT_CURRENCIES and the provider's list,
 * the amount converted once, exactly, to the provider's minor units (at most
 * `maxAmount` major units) and checked against the provider's amount rules, so
 * a request the provider would refuse is refused before anything is written or
 * sent. Throws INVALID_ARGUMENT naming the rule.
 */
export function toPaymentRequest(
  input: ProcessPaymentRequest,
  transactionId: string,
  uid: string,
  policy: MoneyPolicy,
): PaymentRequest {
  const currency = normalizeCurrency(input.currency ?? 'USD');
  const { money } = policy;
  if (!(policy.currencies ?? money.currencies).has(currency)) {
    const why = money.currencies.has(currency) ? 'not in PAYMENT_CURRENCIES' : 'not supported by the payment provider';
    throw new InvalidMoneyError(`currency: ${currency} is not accepted (${why})`, 'currency');
  }
  const amount = toMinorUnits(input.amount, currency, policy.maxAmount, money.minorDigits(currency));
  const refusal = money.refusal(amount, currency);
  if (refusal) throw new InvalidMoneyError(`amount: ${refusal}`, 'amount');
  return {
    transactionId,
    uid,
    amount,
    currency,
    paymentMethod: input.paymentMethod,
    ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
  };
}
