import { toMajorUnits, toMinorUnits } from '../money.js';
import type { ProviderMoney } from '../provider/providerMoney.js';
import type { RefundMoney } from './refundLedger.js';

/**
 * How refunds read amounts at `money`'s provider: major units converted once,
 * exactly, to its minor units (money.ts), at most `maxMajor` [PAYMENT_MAX_AMOUNT].
 */
export function refundMoney(money: ProviderMoney, maxMajor: number): RefundMoney {
  return {
    toMinor: (amount, currency) => toMinorUnits(amount, currency, maxMajor, money.minorDigits(currency)),
    toMajor: (minor, currency) => toMajorUnits(minor, money.minorDigits(currency)),
  };
}
