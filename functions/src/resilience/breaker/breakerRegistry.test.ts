import { describe, expect, it } from 'vitest';
import { hasCode } from '../appError.js';
import { BreakerRegistry } from './breakerRegistry.js';
import { MemoryBreakerStore } from './breakerStore.js';
import type { BreakerTransition } from './circuitBreaker.js';
import { boom } from './testing/breakerTestkit.js';

const asFailure = () => 'failure' as const;

describe('BreakerRegistry', () => {
  it('registers breakers once and lists their names', () => {
    const registry = new BreakerRegistry(new MemoryBreakerStore());
    const payments = registry.register('payment-service');
    registry.register('cloudwatch-logs');
    expect(registry.register('payment-service')).toBe(payments);
    expect(registry.get('payment-service')).toBe(payments);
    expect(registry.names()).toEqual(['cloudwatch-logs', 'payment-service']);
  });

  it('answers UNKNOWN_BREAKER for names it does not know', async () => {
    const registry = new BreakerRegistry(new MemoryBreakerStore());
    registry.register('payment-service');
    const error = await registry.reset('paymnet-service').catch((e: unknown) => e);
    expect(hasCode(error, 'UNKNOWN_BREAKER')).toBe(true);
    expect((error as Error).message).toBe(
      'There is no circuit breaker named "paymnet-service"; known: payment-service.',
    );
    expect(() => registry.get('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_BREAKER' }));
  });

  it('resets every breaker fleet-wide and forwards transitions of all breakers', async () => {
    const store = new MemoryBreakerStore();
    const registry = new BreakerRegistry(store, { minCalls: 1 });
    const events: BreakerTransition[] = [];
    registry.onTransition((e) => events.push(e));
    for (const name of ['payment-service', 'cloudwatch-logs']) {
      await expect(registry.register(name).execute(boom, asFailure)).rejects.toThrow('upstream 503');
    }
    expect((await store.read('cloudwatch-logs'))?.state).toBe('open');
    await registry.resetAll();
    expect(await store.read('payment-service')).toMatchObject({ state: 'closed', generation: 1 });
    expect(await store.read('cloudwatch-logs')).toMatchObject({ state: 'closed', generation: 1 });
    expect(events.map((e) => `${e.service}:${e.to}:${e.reason}`)).toEqual([
      'payment-service:open:failure-rate',
      'cloudwatch-logs:open:failure-rate',
      'payment-service:closed:reset',
      'cloudwatch-logs:closed:reset',
    ]);
  });
});
