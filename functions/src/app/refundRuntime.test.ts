import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { toHttpsError } from '../callables/toHttpsError.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { ISO_4217_MONEY } from '../payments/iso4217.js';
import type { PaymentProvider } from '../payments/provider/paymentProvider.js';
import type { PaymentGuard } from '../payments/chargeAttempts.js';
import { refundRuntime } from './refundRuntime.js';

describe('refundRuntime', () => {
  it('answers unimplemented without touching the ledger when the provider has no refund adapter', async () => {
    const touched: string[] = [];
    const rt = refundRuntime({
      cfg: parseConfig({}),
      runQuery: (_fn, name) => {
        touched.push(name);
        return Promise.reject(new Error('no Firestore here'));
      },
      ledger: new MemoryLedger(),
      breaker: {} as PaymentGuard,
      metrics: new MetricsAggregator({ enabled: false, intervalMs: 60_000 }),
      provider: () => ({ money: ISO_4217_MONEY }) as PaymentProvider,
      refunds: () => null,
    });
    const err = await Promise.resolve()
      .then(() => rt.refund({ transactionId: 't1', refundId: 'r1' }, { uid: 'a1' }))
      .catch((e: unknown) => e);
    expect(toHttpsError(err).code).toBe('unimplemented');
    expect(touched).toEqual([]);
  });
});
