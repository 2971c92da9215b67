/**
 * Stripe's currency rules as the fake enforces them, so it refuses what Stripe
 * would (docs.stripe.com/currencies): presentment currencies, at most 8
 * digits, three-decimal amounts ending in 0, ISK and UGX in whole units
 * (two-decimal in the API). Kept apart from the backend's own table
 * (functions/src/payments/provider/stripeCurrencies.ts) on purpose: the fake
 * stands for Stripe, so a slip in the backend's table shows as a refusal here.
 */
import { invalidRequest, stripeError } from './wire.ts';
import type { Reply } from './wire.ts';

const PRESENTMENT = new Set(
  (
    'usd aed afn all amd aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd ' +
    'cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq ' +
    'gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd ' +
    'lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk ' +
    'php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd szl thb tjs tnd top try ' +
    'ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xcg xof xpf yer zar zmw'
  ).split(' '),
);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);
const WHOLE_UNITS_ONLY = new Set(['isk', 'ugx']);
const MAX_AMOUNT = 99_999_999;

/** Stripe's refusal of `amount` (its minor units) in `currency` (lower case), or null when it takes it. */
export function currencyRefusal(amount: number, currency: string): Reply | null {
  if (!PRESENTMENT.has(currency)) {
    return invalidRequest(
      `Invalid currency: ${currency}. Stripe does not support it.`,
      'parameter_invalid',
      'currency',
    );
  }
  if (amount > MAX_AMOUNT) {
    const message = `Amount must be no more than ${MAX_AMOUNT} (8 digits).`;
    return stripeError(400, { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount', message });
  }
  if (THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
    const message = `Invalid amount: ${currency} amounts must be rounded to the nearest ten (the last digit must be 0).`;
    return invalidRequest(message, 'parameter_invalid_integer', 'amount');
  }
  if (WHOLE_UNITS_ONLY.has(currency) && amount % 100 !== 0) {
    const message = `Invalid amount. Currency ${currency.toUpperCase()} has become effectively zero-decimal and charged amounts must be evenly divisible by 100.`;
    return stripeError(400, {
      type: 'invalid_request_error',
      code: 'invalid_charge_amount_no_decimal_compatible',
      param: 'amount',
      message,
    });
  }
  return null;
}
