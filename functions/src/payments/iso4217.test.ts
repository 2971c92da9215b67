import { describe, expect, it } from 'vitest';
import { ISO_4217_MINOR_DIGITS, ISO_4217_MONEY, isIsoCurrency } from './iso4217.js';

describe('ISO 4217 minor units', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['ISK', 0],
    ['UGX', 0],
    // Intl (CLDR) displays these with 0 digits; the standard's minor unit is 2.
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
    ['TWD', 2],
    ['MGA', 2],
    ['BHD', 3],
    ['IQD', 3],
    ['KWD', 3],
    ['LYD', 3],
    ['CLF', 4],
    ['UYW', 4],
  ])('%s has %s minor digits', (code, digits) => {
    expect(ISO_4217_MINOR_DIGITS[code]).toBe(digits);
    expect(ISO_4217_MONEY.minorDigits(code)).toBe(digits);
  });

  it('covers the active list (funds codes included), none twice, codes of three capitals', () => {
    const codes = Object.keys(ISO_4217_MINOR_DIGITS);
    expect(codes.length).toBe(165);
    expect(codes.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
    expect(ISO_4217_MONEY.currencies.size).toBe(165);
  });

  it('leaves out withdrawn codes and codes without a minor unit', () => {
    for (const code of ['HRK', 'SLL', 'ZWL', 'VEF', 'XAU', 'XDR', 'XXX', 'XTS'])
      expect(isIsoCurrency(code)).toBe(false);
  });

  it('refuses no amount of its own: the generic contract takes any positive minor-unit integer', () => {
    expect(ISO_4217_MONEY.refusal(1_000_000_001, 'KWD')).toBeNull();
  });
});
