import { describe, expect, it } from 'vitest';
import { RejectionCounter, sumRejections, zeroRejections } from './rejections.js';

describe('RejectionCounter', () => {
  it('counts each reason of a caller refusal and ignores other refusal words', () => {
    const c = new RejectionCounter();
    for (const r of ['app-check-missing', 'app-check-missing', 'app-check-invalid', 'user-rate', 'user-in-flight'])
      c.record(r);
    c.record('app-check-replayed');
    c.record('breaker-open');
    c.record('provider-rate-limit');
    expect(c.snapshot()).toEqual({
      'app-check-missing': 2,
      'app-check-invalid': 1,
      'app-check-replayed': 1,
      'user-rate': 1,
      'user-in-flight': 1,
    });
  });

  it('hands out copies', () => {
    const c = new RejectionCounter();
    const before = c.snapshot();
    c.record('user-rate');
    expect(before['user-rate']).toBe(0);
    expect(c.snapshot()['user-rate']).toBe(1);
  });
});

describe('sumRejections', () => {
  it('sums instances, reading a snapshot without rejections (older version) as zeros', () => {
    const a = { ...zeroRejections(), 'app-check-missing': 3, 'user-rate': 1 };
    const b = { ...zeroRejections(), 'app-check-missing': 2, 'user-in-flight': 4 };
    expect(sumRejections([a, undefined, b, { 'app-check-invalid': 1 }])).toEqual({
      'app-check-missing': 5,
      'app-check-invalid': 1,
      'app-check-replayed': 0,
      'user-rate': 1,
      'user-in-flight': 4,
    });
    expect(sumRejections([])).toEqual(zeroRejections());
  });
});
