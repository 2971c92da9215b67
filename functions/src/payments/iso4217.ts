import type { ProviderMoney } from './provider/providerMoney.js';

/**
 * ISO 4217 minor units of every active currency (list one, funds codes
 * included), from the standard itself rather than Intl: Node's CLDR data gives
 * the digits a currency is usually *displayed* with (HUF, IDR, COP 0), not the
 * minor unit the standard defines (2). Codes without a minor unit (precious
 * metals, XDR, XSU, XUA, the test and "no currency" codes) are no payment
 * currency and are left out.
 */

const ZERO = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR = 'CLF UYW';
const TWO =
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL ' +
  'GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR ' +
  'LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD ' +
  'PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC ' +
  'SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG';

const entries = (codes: string, digits: number) => codes.split(' ').map((code) => [code, digits] as const);

/** Minor-unit digits of each active ISO 4217 currency, by upper-case code (USD 2, JPY 0, HUF 2, KWD 3, CLF 4). */
export const ISO_4217_MINOR_DIGITS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries([...entries(ZERO, 0), ...entries(TWO, 2), ...entries(THREE, 3), ...entries(FOUR, 4)]),
);

/** True for an active ISO 4217 code (upper case) that has a minor unit. */
export function isIsoCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(ISO_4217_MINOR_DIGITS, code);
}

/**
 * The generic contract's money (docs/payment-provider.md): every currency
 * above, amounts in ISO 4217 minor units, no further amount rules.
 */
export const ISO_4217_MONEY: ProviderMoney = {
  currencies: new Set(Object.keys(ISO_4217_MINOR_DIGITS)),
  minorDigits(currency) {
    const digits = ISO_4217_MINOR_DIGITS[currency];
    if (digits === undefined) throw new RangeError(`${currency} is not an ISO 4217 currency`);
    return digits;
  },
  refusal: () => null,
};
