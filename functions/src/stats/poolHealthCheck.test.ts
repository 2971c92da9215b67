import { describe, expect, it } from 'vitest';
import { HttpPoolManager } from '../resilience/http/index.js';
import { GenericProvider } from '../payments/provider/genericProvider.js';
import { usePaymentSimulator } from '../payments/testing/paymentSimulator.js';
import { poolHealthCheck } from './poolHealthCheck.js';

const KEY = 'sk_test_pool_check';
const simulator = usePaymentSimulator(KEY);

describe('poolHealthCheck', () => {
  it('20 checks in a second send one provider health request (counted by the simulator); after the interval, one more', async () => {
    const sim = simulator();
    const http = new HttpPoolManager();
    try {
      const provider = new GenericProvider(http, {
        baseUrl: sim.url,
        apiKey: KEY,
        maxSockets: 4,
        attemptTimeoutMs: 2000,
      });
      const check = poolHealthCheck(() => provider, null, 1500);
      const started = Date.now();
      for (let i = 0; i < 20; i++) {
        await check.get();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(Date.now() - started).toBeLessThan(1500);
      expect(sim.stats().requests.health).toBe(1);
      await new Promise((r) => setTimeout(r, 1500 - (Date.now() - started)));
      await Promise.all(Array.from({ length: 5 }, () => check.get()));
      expect(sim.stats().requests.health).toBe(2);
    } finally {
      http.destroy();
    }
  });
});
