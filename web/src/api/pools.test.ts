import { beforeEach, describe, expect, it, vi } from 'vitest';

const callFunction = vi.fn();
vi.mock('../firebase', () => ({ callFunction }));
const pools = await import('./pools');
const { processPayment } = await import('./payments');
const { runReconciliation } = await import('./ledger');
const { ApiError } = await import('./errors');

beforeEach(() => {
  callFunction.mockReset();
});

describe('callable API functions', () => {
  it('call the callables by name with the contract payloads', async () => {
    callFunction.mockResolvedValue({ ok: 1 });
    await pools.getDatabasePoolStatus();
    await pools.getConnectionPoolStats();
    await pools.getConnectionPoolStats({ check: true });
    await pools.resetCircuitBreakers({ serviceName: 'payment-service' });
    await pools.resetCircuitBreakers();
    await processPayment({ amount: 25.99, paymentMethod: 'credit_card', currency: 'USD', transactionId: 't' });
    await runReconciliation();
    expect(callFunction.mock.calls).toEqual([
      ['getDatabasePoolStatus', undefined],
      ['getConnectionPoolStats', {}],
      ['getConnectionPoolStats', { check: true }],
      ['resetCircuitBreakers', { serviceName: 'payment-service' }],
      ['resetCircuitBreakers', {}],
      ['processPayment', { amount: 25.99, paymentMethod: 'credit_card', currency: 'USD', transactionId: 't' }],
      ['runReconciliation', undefined],
    ]);
  });

  it('rethrow callable failures as ApiError without the functions/ prefix', async () => {
    callFunction.mockRejectedValue({ code: 'functions/not-found', message: 'Unknown service nope.' });
    const error = await pools.resetCircuitBreakers({ serviceName: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', message: 'Unknown service nope.' });
  });
});
