import { describe, expect, it } from 'vitest';
import { BreakerStateClock } from './breakerStateClock.js';

describe('BreakerStateClock', () => {
  it('books the time of each state between drains, the running state up to the drain', () => {
    const clock = new BreakerStateClock();
    clock.start('payment-service', 'closed', 0);
    clock.transition('payment-service', 'open', 1000);
    clock.transition('payment-service', 'half-open', 31_000);
    expect(clock.take(32_000)).toEqual([
      { service: 'payment-service', state: 'closed', ms: 1000 },
      { service: 'payment-service', state: 'open', ms: 30_000 },
      { service: 'payment-service', state: 'half-open', ms: 1000 },
    ]);
    clock.transition('payment-service', 'closed', 32_500);
    expect(clock.take(40_000)).toEqual([
      { service: 'payment-service', state: 'half-open', ms: 500 },
      { service: 'payment-service', state: 'closed', ms: 7500 },
    ]);
  });

  it('keeps services apart, ignores a second start and never books negative time', () => {
    const clock = new BreakerStateClock();
    clock.start('a', 'closed', 0);
    clock.start('a', 'open', 500);
    clock.start('b', 'open', 0);
    clock.transition('b', 'closed', -10);
    expect(clock.take(1000)).toEqual([
      { service: 'a', state: 'closed', ms: 1000 },
      { service: 'b', state: 'closed', ms: 1000 },
    ]);
    expect(clock.take(1000)).toEqual([]);
  });
});
