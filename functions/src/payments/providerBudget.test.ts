/**
 * The fleet-wide concurrency budget toward the provider: several
 * processPayment instances in one process, each wired from the parsed config
 * as app/runtime.ts wires it (its own pool and provider; ledger and breaker store
 * shared, as Firestore is), driven well beyond their socket cap against one
 * slow provider over real HTTP. The provider's own count of requests in
 * flight must never pass PAYMENT_PROVIDER_MAX_CONCURRENCY, and must reach it.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, providerSocketCap, type Config } from '../config/index.js';
import { useStripeFake } from '../webhooks/testing/stripeFake.js';
import { PAYMENT_SERVICE } from './provider/paymentProvider.js';
import { payment, useFleet } from './testing/fleetKit.js';
import { usePaymentSimulator } from './testing/paymentSimulator.js';

const KEY = 'sk_test_budget';
const simulator = usePaymentSimulator(KEY);
const stripeFake = useStripeFake(KEY);
const { fleet } = useFleet(KEY);

/** `instances` instances, each sent `perInstance` payments at once (one user each, so no per-user limit applies). */
async function drive(cfg: Config, instances: number, perInstance: number) {
  const { instance } = fleet(cfg);
  const all = Array.from({ length: instances }, instance);
  const results = await Promise.allSettled(
    all.flatMap(({ handler }, i) =>
      Array.from({ length: perInstance }, (_, j) =>
        handler.processPayment(payment(`budget_${i}_${j}`), `user_${i}_${j}`),
      ),
    ),
  );
  return { fleet: all, results };
}

describe('fleet-wide provider concurrency budget', () => {
  it('several instances driven beyond their cap never put more than the budget in flight at the provider', async () => {
    const sim = simulator();
    sim.setFaults({ mode: 'latency', latencyMs: 250 });
    // 12 over 4 instances: 3 sockets each, below VUE_APP_MAX_CONNECTIONS (10), so the budget is what binds.
    const cfg = parseConfig({
      PAYMENT_SERVICE_URL: sim.url,
      PAYMENT_PROVIDER_MAX_CONCURRENCY: '12',
      PAYMENT_MAX_INSTANCES: '4',
    });
    const cap = providerSocketCap(cfg);
    expect(cap).toBe(3);
    const { fleet, results } = await drive(cfg, 4, 15);

    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value.status)).toEqual(
      Array(60).fill('succeeded'),
    );
    const { peakInFlight, requests } = sim.stats();
    expect(peakInFlight).toBeLessThanOrEqual(cfg.PAYMENT_PROVIDER_MAX_CONCURRENCY);
    // The drive reached the budget, so a cap that let more through would have shown here.
    expect(peakInFlight).toBe(cfg.PAYMENT_PROVIDER_MAX_CONCURRENCY);
    expect(requests.charge).toBe(60); // the surplus waited for a socket, and each payment was sent once
    for (const { http } of fleet) {
      expect(http.stats(PAYMENT_SERVICE)).toMatchObject({ maxSockets: cap, peakActiveSockets: cap, queued: 0 });
    }
  });

  it("Stripe's SDK client keeps to the same cap (the pool's agent carries its requests)", async () => {
    const fake = stripeFake();
    fake.setFaults({ mode: 'none', latencyMs: 150 });
    const cfg = parseConfig({
      PAYMENT_PROVIDER: 'stripe',
      PAYMENT_SERVICE_URL: fake.url,
      STRIPE_TEST_PAYMENT_METHOD: 'pm_card_visa',
      PAYMENT_PROVIDER_MAX_CONCURRENCY: '5',
      PAYMENT_MAX_INSTANCES: '2',
    });
    expect(providerSocketCap(cfg)).toBe(2);
    const { fleet, results } = await drive(cfg, 2, 6);

    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value.status)).toEqual(
      Array(12).fill('succeeded'),
    );
    // The fake counts no in-flight peak: the pools' own count of busy sockets is the measure here.
    for (const { http } of fleet) {
      expect(http.stats(PAYMENT_SERVICE)).toMatchObject({ maxSockets: 2, peakActiveSockets: 2 });
    }
  });
});
