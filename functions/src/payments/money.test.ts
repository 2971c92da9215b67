import { describe, expect, it } from 'vitest';
import { ISO_4217_MONEY } from './iso4217.js';
import { normalizeCurrency, toMajorUnits, toMinorUnits } from './money.js';

const iso = (c: string) => ISO_4217_MONEY.minorDigits(c);

describe('money', () => {
  it('normalizes and checks currency codes against ISO 4217, not Intl', () => {
    expect(normalizeCurrency('usd')).toBe('USD');
    expect(normalizeCurrency(' huf ')).toBe('HUF');
    expect(() => normalizeCurrency('XYZ')).toThrow(/ISO 4217/);
    expect(() => normalizeCurrency('US')).toThrow(/ISO 4217/);
    // A code without a minor unit is no payment currency.
    expect(() => normalizeCurrency('XAU')).toThrow(/ISO 4217/);
  });

  it.each([
    [25.99, 'USD', 2599],
    [0.1, 'USD', 10],
    [0.29, 'USD', 29], // 0.29 * 100 = 28.999999999999996 in floats
    [1.005, 'BHD', 1005],
    [1000, 'JPY', 1000],
    [1000000, 'USD', 100000000],
    [4.02, 'USD', 402],
    [12.34, 'HUF', 1234],
    [50000, 'HUF', 5000000],
    [1.5, 'IDR', 150],
    [1.2345, 'CLF', 12345],
  ])('converts %s %s to %s ISO minor units exactly', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency, 1_000_000, iso(currency))).toBe(minor);
    expect(toMajorUnits(minor, iso(currency))).toBe(amount);
  });

  it.each([
    [NaN, 'finite'],
    [Infinity, 'finite'],
    [-1, 'greater than zero'],
    [0, 'greater than zero'],
    ['10', 'finite'],
    [1.001, 'at most 2 decimal places'],
    [1e-7, 'not a plain'],
    [1000000.01, 'at most 1000000'],
  ])('rejects %s (%s)', (amount, message) => {
    expect(() => toMinorUnits(amount, 'USD', 1_000_000, 2)).toThrow(message);
  });

  it('rejects more decimals than the digits it is given', () => {
    expect(() => toMinorUnits(10.5, 'JPY', 1_000_000, 0)).toThrow(/at most 0 decimal places/);
    expect(() => toMinorUnits(12.3, 'ISK', 1_000_000, 0)).toThrow(/ISK allows at most 0 decimal places/);
    // The same amount with Stripe's two digits for ISK converts; Stripe's own rule refuses it (stripeCurrencies.test.ts).
    expect(toMinorUnits(12.3, 'ISK', 1_000_000, 2)).toBe(1230);
  });
});
