import { describe, expect, it } from 'vitest';
import { minorDigits, normalizeCurrency, toMajorUnits, toMinorUnits } from './money.js';

describe('money', () => {
  it('knows minor-unit digits from Intl', () => {
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('BHD')).toBe(3);
  });

  it('normalizes and checks currency codes', () => {
    expect(normalizeCurrency('usd')).toBe('USD');
    expect(() => normalizeCurrency('XYZ')).toThrow(/ISO 4217/);
    expect(() => normalizeCurrency('US')).toThrow(/ISO 4217/);
  });

  it.each([
    [25.99, 'USD', 2599],
    [0.1, 'USD', 10],
    [0.29, 'USD', 29], // 0.29 * 100 = 28.999999999999996 in floats
    [1.005, 'BHD', 1005],
    [1000, 'JPY', 1000],
    [1000000, 'USD', 100000000],
    [4.02, 'USD', 402],
  ])('converts %s %s to %s minor units exactly', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency, 1_000_000)).toBe(minor);
    expect(toMajorUnits(minor, currency)).toBe(amount);
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
    expect(() => toMinorUnits(amount, 'USD', 1_000_000)).toThrow(message);
  });

  it('rejects decimals for zero-digit currencies', () => {
    expect(() => toMinorUnits(10.5, 'JPY', 1_000_000)).toThrow(/at most 0 decimal places/);
  });
});
