/**
 * Fleet protection across instances: two processPayment instances wired from
 * the config (each with its share of the provider budget), one breaker store
 * and ledger, the payment simulator over real HTTP. One instance's own
 * trouble (no free socket before the deadline) must not open the breaker for
 * the fleet, and what it never sent is recorded `failed`; a real outage seen
 * by one instance must stop the other from sending too.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { PAYMENT_SERVICE } from './provider/paymentProvider.js';
import { payment, useFleet } from './testing/fleetKit.js';
import { usePaymentSimulator } from './testing/paymentSimulator.js';

const KEY = 'sk_test_fleet_protection';
const simulator = usePaymentSimulator(KEY);
const { fleet } = useFleet(KEY);

/** Two instances of one socket each (a budget of 2), one attempt of 700 ms per payment, a breaker that opens after 2 failures. */
function twoInstances() {
  const cfg = parseConfig({
    PAYMENT_SERVICE_URL: simulator().url,
    PAYMENT_PROVIDER_MAX_CONCURRENCY: '2',
    PAYMENT_MAX_INSTANCES: '2',
    VUE_APP_PAYMENT_TIMEOUT: '700',
    VUE_APP_PAYMENT_RETRY_ATTEMPTS: '1',
    PAYMENT_TOTAL_TIMEOUT_MS: '1000',
    CIRCUIT_MIN_CALLS: '2',
  });
  const { ledger, instance } = fleet(cfg);
  return { ledger, a: instance(), b: instance() };
}

describe('fleet protection across instances', () => {
  it("an instance out of sockets times out locally: the fleet's breaker stays closed and its never-sent payments are failed", async () => {
    const sim = simulator();
    sim.setFaults({ mode: 'latency', latencyMs: 300 });
    const { ledger, a, b } = twoInstances();
    const ids = Array.from({ length: 8 }, (_, i) => `local_${i}`);
    // Instance a: 8 payments at once on 1 socket of 300 ms each, inside 700 ms deadlines. Instance b: one at a time.
    const [onA, onB] = await Promise.all([
      Promise.allSettled(ids.map((id, i) => a.handler.processPayment(payment(id), `ua_${i}`))),
      (async () => {
        const statuses: string[] = [];
        for (let i = 0; i < 3; i++)
          statuses.push((await b.handler.processPayment(payment(`healthy_${i}`), 'ub')).status);
        return statuses;
      })(),
    ]);

    expect(onB).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(onA.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    const sentToProvider = sim.ledger().chargeRequests;
    const neverSent = ids.filter((id) => sentToProvider[id] === undefined);
    expect(neverSent.length).toBeGreaterThanOrEqual(4); // they waited for the one socket past their deadline
    for (const id of neverSent) {
      expect(await ledger.get(id)).toMatchObject({ status: 'failed', error: { code: 'NOT_SENT_LOCAL' } }); // certainly not charged
    }
    for (const id of ids.filter((id) => !neverSent.includes(id))) {
      expect((await ledger.get(id))?.status).not.toBe('failed'); // reached the provider: charged, or maybe
    }
    for (const { breaker } of [a, b]) {
      await breaker.sync();
      expect(breaker.snapshot()).toMatchObject({ state: 'closed', windowFailureRate: 0 });
    }
    expect(a.http.stats(PAYMENT_SERVICE)).toMatchObject({ maxSockets: 1, peakActiveSockets: 1 });
  });

  it('a real provider outage seen by one instance opens the breaker for the other, which then sends nothing', async () => {
    const sim = simulator();
    sim.setFaults({ mode: 'outage' });
    const { ledger, a, b } = twoInstances();
    for (let i = 0; i < 3; i++) await a.handler.processPayment(payment(`down_${i}`), 'ua').catch(() => undefined);
    expect(a.breaker.snapshot().state).toBe('open');
    const sentBefore = sim.stats().requests.charge;

    await b.breaker.sync();
    const err = await b.handler.processPayment(payment('after_outage'), 'ub').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect(b.breaker.snapshot().state).toBe('open');
    expect(sim.stats().requests.charge).toBe(sentBefore); // refused before anything was sent
    expect(await ledger.get('after_outage')).toBeNull(); // while open nothing is claimed or written
  });
});
