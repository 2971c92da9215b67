/**
 * Several processPayment instances in one test process: each is what
 * app/runtime.ts builds from a parsed config (its own HTTP pool and provider, so
 * its own share of the provider budget), over a ledger and a breaker store the
 * fleet shares, as it shares Firestore. Pools are destroyed after each test.
 */
import { afterEach } from 'vitest';
import type { Config } from '../../config/index.js';
import { MemoryBreakerStore } from '../../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../../resilience/breaker/circuitBreaker.js';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import { PaymentHandler } from '../paymentHandler.js';
import { PAYMENT_SERVICE } from '../provider/paymentProvider.js';
import { createPaymentProvider } from '../provider/providerFromConfig.js';
import { paymentSettings } from '../settingsFromConfig.js';

/** One instance of the fleet. */
export interface FleetInstance {
  http: HttpPoolManager;
  breaker: FleetCircuitBreaker;
  handler: PaymentHandler;
}

/** Builds instances on a shared ledger and breaker store; call at the top of a test file. */
export function useFleet(apiKey: string) {
  const pools: HttpPoolManager[] = [];
  afterEach(() => {
    for (const p of pools.splice(0)) p.destroy();
  });
  return {
    /** A fresh shared ledger and breaker store, and a builder of instances on them. */
    fleet: (cfg: Config) => {
      const ledger = new MemoryLedger();
      const store = new MemoryBreakerStore();
      const instance = (): FleetInstance => {
        const http = new HttpPoolManager();
        pools.push(http);
        const breaker = new FleetCircuitBreaker(PAYMENT_SERVICE, store, {
          minCalls: cfg.CIRCUIT_MIN_CALLS,
          failureThreshold: cfg.CIRCUIT_FAILURE_THRESHOLD,
          windowMs: cfg.CIRCUIT_WINDOW_MS,
          openMs: cfg.CIRCUIT_OPEN_MS,
        });
        const handler = new PaymentHandler({
          ledger,
          provider: createPaymentProvider(http, cfg, apiKey),
          breaker,
          settings: paymentSettings(cfg),
        });
        return { http, breaker, handler };
      };
      return { ledger, store, instance };
    },
  };
}

/** A payment of 12.50 under `transactionId`. */
export const payment = (transactionId: string) => ({
  amount: 12.5,
  paymentMethod: 'credit_card' as const,
  transactionId,
});
