import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../resilience/breaker/circuitBreaker.js';
import { HttpPoolManager } from '../resilience/http/index.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { PaymentHandler } from './paymentHandler.js';
import { GenericProvider } from './provider/genericProvider.js';
import { PAYMENT_SERVICE } from './provider/paymentProvider.js';
import { reconcilePayments } from './reconcile.js';
import { usePaymentSimulators, type PaymentSimulator } from './testing/paymentSimulator.js';

// Two simulators are two endpoints of one provider (PAYMENT_SERVICE_URL=a,b)
// that do NOT share idempotency keys: a key retried on the other one would be
// charged twice. Real HTTP, the real pool, breaker, handler and MemoryLedger.

const KEY = 'multi-endpoint-key';
const sims = usePaymentSimulators(2, KEY);
let http: HttpPoolManager;
beforeEach(() => {
  http?.destroy();
});

function world(
  shareKeys: boolean,
  limits: { attempts: number; totalTimeoutMs: number } = { attempts: 3, totalTimeoutMs: 4000 },
) {
  http = new HttpPoolManager();
  const provider = new GenericProvider(http, {
    baseUrl: sims.map((s) => s.url),
    apiKey: KEY,
    maxSockets: 4,
    attemptTimeoutMs: 800,
    shareKeys,
    ejection: { consecutiveFailures: 3, baseEjectionMs: 60_000 },
  });
  const breaker = new FleetCircuitBreaker(PAYMENT_SERVICE, new MemoryBreakerStore(), {
    minCalls: 5,
    failureThreshold: 50,
  });
  const ledger = new MemoryLedger();
  const handler = new PaymentHandler({
    ledger,
    provider,
    breaker,
    settings: {
      attemptTimeoutMs: 800,
      ...limits,
      maxAmount: 1000,
      settleMs: 60_000,
      idempotencyTtlMs: 86_400_000,
    },
    sleep: () => Promise.resolve(),
  });
  return { provider, breaker, ledger, handler };
}

const pay = (id: string) => ({ amount: 12.5, paymentMethod: 'credit_card' as const, transactionId: id });

/** Every charge of both simulators together against the ledger: each succeeded record once, nothing else. */
async function expectLedgersMatch(ledger: MemoryLedger, ids: string[]) {
  const charges = sims.flatMap((s) => s.ledger().charges);
  expect(new Set(charges.map((c) => c.transactionId)).size).toBe(charges.length); // no key charged twice
  for (const c of charges) expect(ids).toContain(c.transactionId);
  for (const id of ids) {
    const record = await ledger.get(id);
    const charged = charges.filter((c) => c.transactionId === id);
    if (record?.status === 'succeeded') expect(charged.map((c) => c.id)).toEqual([record.chargeId]);
    else expect(charged).toEqual([]);
  }
}

/**
 * Waits until the clock has moved past `t`. A pass sees only records updated before it began, so a
 * "later" pass started in the millisecond of the record's last write would not see it.
 */
async function clockPast(t: number): Promise<void> {
  while (Date.now() <= t) await new Promise((r) => setTimeout(r, 1));
}

const sawKey = (s: PaymentSimulator, id: string) => (s.ledger().chargeRequests[id] ?? 0) > 0;

describe('several endpoints of one provider', () => {
  it('ejects a failing endpoint and moves new payments to the other, without opening the fleet breaker', async () => {
    const { handler, provider, breaker, ledger } = world(false);
    sims[0]!.setFaults({ mode: 'outage' });
    const ids = Array.from({ length: 8 }, (_, i) => `me_out_${i}`);
    const outcomes: string[] = [];
    for (const id of ids) {
      outcomes.push(
        await handler.processPayment(pay(id), 'u1').then(
          (r) => r.status,
          (e: { code?: string }) => e.code ?? 'error',
        ),
      );
    }
    expect(provider.endpoints.ejection(0)).toMatchObject({ ejected: true, ejections: 1 });
    expect(provider.endpoints.ejection(1).ejected).toBe(false);
    // Only the payment(s) pinned to the failing endpoint before it was ejected failed; the rest went to the other.
    const failedOnA = ids.filter((id) => sawKey(sims[0]!, id));
    expect(failedOnA.length).toBeGreaterThanOrEqual(1);
    expect(failedOnA.length).toBeLessThanOrEqual(2);
    expect(outcomes.filter((o) => o === 'succeeded')).toHaveLength(ids.length - failedOnA.length);
    for (const id of failedOnA) expect(sawKey(sims[1]!, id)).toBe(false);
    expect(sims[1]!.ledger().charges).toHaveLength(ids.length - failedOnA.length);
    // The endpoint's failures were isolated by ejection: the provider as a whole stays available.
    expect(breaker.snapshot().state).toBe('closed');
    const view = http.endpointStats(PAYMENT_SERVICE)!;
    expect(view.map((e) => e.endpoint)).toEqual(sims.map((s) => new URL(s.url).host));
    expect(view[0]!.pool.failures).toBeGreaterThanOrEqual(3);
    expect(view[1]!.pool.requests).toBe(ids.length - failedOnA.length);
    await expectLedgersMatch(ledger, ids);
  });

  it('without shared keys, an attempt that may have reached an endpoint is retried and resolved only there', async () => {
    const { handler, ledger } = world(false);
    // Endpoint A charges, then the answer is lost (reset): every attempt "may have reached" it.
    sims[0]!.setFaults({ mode: 'lost-response' });
    sims[1]!.setFaults({ mode: 'lost-response' });
    const result = await handler.processPayment(pay('me_trap'), 'u1');
    const [pinned, other] = sawKey(sims[0]!, 'me_trap') ? [sims[0]!, sims[1]!] : [sims[1]!, sims[0]!];
    // Retried on the same endpoint (3 attempts), looked up there, and found charged once.
    expect(pinned.ledger().chargeRequests.me_trap).toBe(3);
    expect(pinned.stats().requests.lookup).toBe(1);
    expect(result).toMatchObject({ status: 'succeeded', chargeId: pinned.ledger().charges[0]!.id });
    // The other endpoint never saw the key: no second charge.
    expect(other.stats().requests).toMatchObject({ charge: 0, lookup: 0 });
    // The endpoint is on the ledger record, so a later reconciliation asks the same one.
    const record = await ledger.get('me_trap');
    expect(record?.providerRef).toBe(`me_trap@${new URL(pinned.url).host}`);
    await expectLedgersMatch(ledger, ['me_trap']);
  });

  it('a later reconciliation looks a pinned payment up at its own endpoint', async () => {
    const { handler, ledger, provider } = world(false, { attempts: 1, totalTimeoutMs: 1500 });
    for (const s of sims) s.setFaults({ mode: 'hang' });
    await expect(handler.processPayment(pay('me_reco'), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    const pinned = sawKey(sims[0]!, 'me_reco') ? sims[0]! : sims[1]!;
    const other = pinned === sims[0] ? sims[1]! : sims[0]!;
    for (const s of sims) s.setFaults({ mode: 'none' });
    // The hung attempts never charged; after the settle window "not found" at the pinned endpoint proves it.
    await clockPast((await ledger.get('me_reco'))!.updatedAt);
    const report = await reconcilePayments({ ledger, provider, settleMs: 0, budgetMs: 60_000 });
    expect(report).toMatchObject({ examined: 1, notCharged: 1 });
    expect(pinned.stats().requests.lookup).toBeGreaterThanOrEqual(2);
    expect(other.stats().requests).toMatchObject({ charge: 0, lookup: 0 });
    await expectLedgersMatch(ledger, ['me_reco']);
  });

  it('with PAYMENT_ENDPOINTS_SHARE_KEYS, a failed attempt fails over to the other endpoint', async () => {
    const { handler, ledger } = world(true);
    sims[0]!.setFaults({ mode: 'errors', errorRate: 1 });
    const ids = ['me_share_0', 'me_share_1', 'me_share_2'];
    for (const id of ids)
      await expect(handler.processPayment(pay(id), 'u1')).resolves.toMatchObject({ status: 'succeeded' });
    // At least one payment was tried on the failing endpoint first and then charged on the other.
    const failedOver = ids.filter((id) => sawKey(sims[0]!, id) && sawKey(sims[1]!, id));
    expect(failedOver.length).toBeGreaterThanOrEqual(1);
    expect(sims[0]!.ledger().charges).toEqual([]);
    expect(sims[1]!.ledger().charges).toHaveLength(ids.length);
    // Pinned where it was prepared, marked shared: a later lookup asks there first, and everywhere without shared keys.
    const ref = (await ledger.get(ids[0]!))?.providerRef;
    expect(sims.map((s) => `${ids[0]}@${new URL(s.url).host}#shared`)).toContain(ref);
    await expectLedgersMatch(ledger, ids);
  });
});
