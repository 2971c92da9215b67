import { describe, expect, it } from 'vitest';
import { ISO_4217_MONEY } from '../iso4217.js';
import { STRIPE_MONEY } from './stripeCurrencies.js';

describe("Stripe's currency table", () => {
  it.each([
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['MGA', 0],
    // Two-decimal in Stripe's API (ISK: although only whole krónur can be charged).
    ['ISK', 2],
    ['UGX', 2],
    ['HUF', 2],
    ['TWD', 2],
    ['IDR', 2],
    ['BHD', 3],
    ['JOD', 3],
    ['KWD', 3],
    ['OMR', 3],
    ['TND', 3],
  ])('%s amounts have %s minor digits', (code, digits) => {
    expect(STRIPE_MONEY.minorDigits(code)).toBe(digits);
  });

  it('differs from ISO 4217 exactly where Stripe says so', () => {
    const differ = [...STRIPE_MONEY.currencies].filter(
      (c) => STRIPE_MONEY.minorDigits(c) !== ISO_4217_MONEY.minorDigits(c),
    );
    expect(differ.sort()).toEqual(['ISK', 'MGA', 'UGX']);
  });

  it('lists only ISO 4217 currencies it supports', () => {
    expect(STRIPE_MONEY.currencies.has('USD')).toBe(true);
    expect(STRIPE_MONEY.currencies.has('KWD')).toBe(true);
    // Not Stripe presentment currencies.
    for (const code of ['IQD', 'LYD', 'CLF', 'IRR', 'KPW', 'CUP'])
      expect(STRIPE_MONEY.currencies.has(code)).toBe(false);
    for (const code of STRIPE_MONEY.currencies) expect(ISO_4217_MONEY.currencies.has(code)).toBe(true);
  });

  it.each([
    [1500, 'KWD', null],
    [1234, 'KWD', /third decimal must be 0/],
    [1001, 'BHD', /third decimal must be 0/],
    [10000, 'ISK', null],
    [1230, 'ISK', /whole units only/],
    [5000, 'UGX', null],
    [5050, 'UGX', /whole units only/],
    [1234, 'HUF', null],
    [99_999_999, 'USD', null],
    [100_000_000, 'USD', /at most 8 digits/],
    [100_000_000, 'JPY', /at most 8 digits/],
  ])('%s %s: %s', (amount, currency, refusal) => {
    const got = STRIPE_MONEY.refusal(amount, currency);
    if (refusal === null) expect(got).toBeNull();
    else expect(got).toMatch(refusal);
  });
});
