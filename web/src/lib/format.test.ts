import { describe, expect, it } from 'vitest';
import { formatDateTime, formatMs, formatPercent, formatRelative, formatSpan, formatValue, NONE } from './format';

describe('format', () => {
  it('formats milliseconds, with a placeholder for missing percentiles', () => {
    expect(formatMs(12)).toBe('12 ms');
    expect(formatMs(1.55)).toBe('1.6 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatMs(null)).toBe(NONE);
    expect(formatMs(undefined)).toBe(NONE);
  });

  it('formats spans and relative times', () => {
    expect(formatSpan(3400)).toBe('3 s');
    expect(formatSpan(125_000)).toBe('2 min');
    expect(formatSpan(7_300_000)).toBe('2 h');
    expect(formatRelative(1000, 4000)).toBe('3 s ago');
    expect(formatRelative(24_000, 4000)).toBe('in 20 s');
  });

  it('formats a local date and time', () => {
    expect(formatDateTime(new Date(2026, 11, 7, 9, 5, 3).getTime())).toBe('2026-12-07 09:05:03');
    expect(formatDateTime(null)).toBe(NONE);
  });

  it('formats ratios and detail values', () => {
    expect(formatPercent(0.6)).toBe('60%');
    expect(formatPercent(0.123)).toBe('12.3%');
    expect(formatValue('x')).toBe('x');
    expect(formatValue(2000)).toBe('2000');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(null)).toBe(NONE);
  });
});
