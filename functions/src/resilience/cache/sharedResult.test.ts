import { describe, expect, it } from 'vitest';
import { SharedResult } from './sharedResult.js';

describe('SharedResult', () => {
  it('runs again once the interval has passed; concurrent callers share the run in flight', async () => {
    let t = 0;
    let runs = 0;
    const shared = new SharedResult(
      () => Promise.resolve(++runs),
      1000,
      () => t,
    );
    expect(await Promise.all([shared.get(), shared.get(), shared.get()])).toEqual([1, 1, 1]);
    t = 999;
    expect(await shared.get()).toBe(1);
    t = 1000;
    expect(await shared.get()).toBe(2);
  });

  it('shares a failure within the interval too', async () => {
    let t = 0;
    let runs = 0;
    const shared = new SharedResult(
      () => Promise.reject(new Error(`down ${++runs}`)),
      1000,
      () => t,
    );
    await expect(shared.get()).rejects.toThrow('down 1');
    await expect(shared.get()).rejects.toThrow('down 1');
    t = 1000;
    await expect(shared.get()).rejects.toThrow('down 2');
  });
});
