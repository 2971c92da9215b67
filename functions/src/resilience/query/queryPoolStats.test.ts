import { describe, expect, it } from 'vitest';
import { poolStatus, type PoolStats } from './queryPoolStats.js';

function stats(overrides: Partial<PoolStats> = {}): PoolStats {
  return {
    max: 10,
    active: 0,
    idle: 10,
    pending: 0,
    acquired: 0,
    acquireTimeouts: 0,
    queryTimeouts: 0,
    retries: 0,
    errors: 0,
    abandoned: 0,
    queued: 0,
    peakActive: 0,
    acquireWaitMs: { p50: null, p99: null },
    queryMs: { p50: null, p95: null, p99: null },
    ...overrides,
  };
}

describe('poolStatus', () => {
  it('is healthy when nothing waited, failed or came near the limit', () => {
    expect(poolStatus(stats({ active: 8, peakActive: 8, acquired: 500 }))).toBe('healthy');
  });

  it.each([
    ['an acquire timeout', { acquireTimeouts: 1 }],
    ['a query timeout', { queryTimeouts: 1 }],
    ['an error', { errors: 1 }],
  ])('is degraded after %s, even when also saturated', (_label, overrides) => {
    expect(poolStatus(stats({ ...overrides, pending: 3, active: 10 }))).toBe('degraded');
  });

  it('only counts failures inside the interval when a previous snapshot is given', () => {
    const previous = stats({ errors: 4, queryTimeouts: 2, acquireTimeouts: 1, queued: 7 });
    expect(poolStatus(stats({ errors: 4, queryTimeouts: 2, acquireTimeouts: 1, queued: 7 }), previous)).toBe('healthy');
    expect(poolStatus(stats({ errors: 5, queryTimeouts: 2, acquireTimeouts: 1, queued: 7 }), previous)).toBe(
      'degraded',
    );
    expect(poolStatus(stats({ errors: 4, queryTimeouts: 2, acquireTimeouts: 1, queued: 8 }), previous)).toBe(
      'saturated',
    );
  });

  it('is saturated when someone waits now or waited in the interval', () => {
    expect(poolStatus(stats({ pending: 1, active: 10 }))).toBe('saturated');
    expect(poolStatus(stats({ queued: 1 }))).toBe('saturated');
  });

  it('is saturated from 90 % utilisation, current or peak', () => {
    expect(poolStatus(stats({ active: 9 }))).toBe('saturated');
    expect(poolStatus(stats({ peakActive: 9 }))).toBe('saturated');
    expect(poolStatus(stats({ max: 3, active: 2, peakActive: 2 }))).toBe('healthy');
    expect(poolStatus(stats({ max: 30, active: 27 }))).toBe('saturated');
    expect(poolStatus(stats({ max: 30, active: 26, peakActive: 26 }))).toBe('healthy');
  });
});
