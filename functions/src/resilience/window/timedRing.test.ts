import { describe, expect, it } from 'vitest';
import { TimedRing } from './timedRing.js';

describe('TimedRing', () => {
  it('keeps entries in order, grows, and evicts the oldest past maxSize', () => {
    const r = new TimedRing(5, 2);
    const evicted = [1, 2, 3, 4, 5, 6, 7].map((v) => r.push(v * 10, v));
    expect(evicted).toEqual([undefined, undefined, undefined, undefined, undefined, 1, 2]);
    expect([...r.values()]).toEqual([3, 4, 5, 6, 7]);
    expect(r.size).toBe(5);
  });

  it('drops old entries by time and reports what it dropped', () => {
    const r = new TimedRing(10);
    [5, 6, 7, 8].forEach((v, i) => r.push(i * 100, v));
    const dropped: number[] = [];
    r.dropWhile(
      (at) => at <= 100,
      (v) => dropped.push(v),
    );
    expect(dropped).toEqual([5, 6]);
    expect([...r.values()]).toEqual([7, 8]);
    r.clear();
    expect(r.size).toBe(0);
    expect(r.push(1, 9)).toBeUndefined();
    expect([...r.values()]).toEqual([9]);
  });

  it('keeps nothing with maxSize 0', () => {
    const r = new TimedRing(0);
    expect(r.push(1, 1)).toBeUndefined();
    expect(r.size).toBe(0);
  });
});
