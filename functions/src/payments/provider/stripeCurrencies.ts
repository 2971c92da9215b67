/**
 * Stripe's currency rules (docs.stripe.com/currencies: "Minor units in API
 * amounts", "Zero-decimal currencies", "Three-decimal currencies", "Special
 * cases"; support.stripe.com "Deprecation of fractional ISK charges"), as the
 * provider port's {@link ProviderMoney}: an amount Stripe would refuse is
 * refused before anything is written or sent.
 */
import { ISO_4217_MINOR_DIGITS } from '../iso4217.js';
import type { ProviderMoney } from './providerMoney.js';

/** Presentment currencies Stripe lists for card payments (those that are active ISO 4217 codes). */
const PRESENTMENT =
  'USD AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BWP BYN BZD ' +
  'CAD CDF CHF CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL GIP GMD GNF GTQ ' +
  'GYD HKD HNL HTG HUF IDR ILS INR ISK JMD JOD JPY KES KGS KHR KMF KRW KWD KYD KZT LAK LBP LKR LRD ' +
  'LSL MAD MDL MGA MKD MMK MNT MOP MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK ' +
  'PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SEK SGD SHP SLE SOS SRD SZL THB TJS TND TOP TRY ' +
  'TTD TWD TZS UAH UGX UYU UZS VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW';

/**
 * Stripe's zero-decimal currencies: the amount is in major units. UGX is on
 * Stripe's zero-decimal list but among its special cases: like ISK, the API
 * reads it as two-decimal (a 2025 report: `amount=100` was charged as
 * 1.00 UGX), so it is in {@link STRIPE_WHOLE_UNITS_ONLY} instead.
 */
export const STRIPE_ZERO_DECIMAL: ReadonlySet<string> = new Set(
  'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF VND VUV XAF XOF XPF'.split(' '),
);
/** Stripe's three-decimal currencies: the last digit of the amount must be 0. */
export const STRIPE_THREE_DECIMAL: ReadonlySet<string> = new Set('BHD JOD KWD OMR TND'.split(' '));
/**
 * Two-decimal in Stripe's API although only whole units can be charged: the
 * amount must be divisible by 100 (ISK and UGX are zero-decimal in ISO 4217,
 * so 100 ISK is `amount=10000`; Stripe answers anything else with 400
 * `invalid_charge_amount_no_decimal_compatible`). HUF and TWD are two-decimal
 * for charges (only their payouts are whole units), so they are not here.
 */
export const STRIPE_WHOLE_UNITS_ONLY: ReadonlySet<string> = new Set(['ISK', 'UGX']);
/** Stripe's API takes amounts of at most 8 digits. */
export const STRIPE_MAX_AMOUNT = 99_999_999;

const currencies: ReadonlySet<string> = new Set(
  PRESENTMENT.split(' ').filter((c) => Object.prototype.hasOwnProperty.call(ISO_4217_MINOR_DIGITS, c)),
);

/** Stripe's minor units and amount rules (see the module comment). */
export const STRIPE_MONEY: ProviderMoney = {
  currencies,
  minorDigits(currency) {
    if (STRIPE_ZERO_DECIMAL.has(currency)) return 0;
    return STRIPE_THREE_DECIMAL.has(currency) ? 3 : 2;
  },
  refusal(amount, currency) {
    if (amount > STRIPE_MAX_AMOUNT) {
      return `Stripe takes amounts of at most 8 digits (${STRIPE_MAX_AMOUNT} in minor units)`;
    }
    if (STRIPE_THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
      return `Stripe takes ${currency} amounts in steps of 0.010 (the third decimal must be 0)`;
    }
    if (STRIPE_WHOLE_UNITS_ONLY.has(currency) && amount % 100 !== 0) {
      return `Stripe takes ${currency} in whole units only`;
    }
    return null;
  },
};
