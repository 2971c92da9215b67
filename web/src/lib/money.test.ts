import { describe, expect, it } from 'vitest';
import { formatMoney, remainingAmount } from './money';

describe('remainingAmount', () => {
  it('subtracts exactly where floats drift', () => {
    expect(25.99 - 10 - 5.99).not.toBe(10);
    expect(remainingAmount(25.99, 10, 5.99)).toBe(10);
    expect(remainingAmount(0.3, 0.1)).toBe(0.2);
    expect(remainingAmount(1.005, 0.005)).toBe(1);
  });
  it('keeps whole amounts whole and never goes below zero', () => {
    expect(remainingAmount(500, 120)).toBe(380);
    expect(remainingAmount(10, 10.01)).toBe(0);
  });
  it('formats an amount with its currency', () => {
    expect(formatMoney(12.5, 'EUR')).toBe('12.5 EUR');
  });
});
