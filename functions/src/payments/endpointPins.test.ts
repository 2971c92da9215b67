import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config/index.js';
import { MemoryBreakerStore } from '../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../resilience/breaker/circuitBreaker.js';
import { endpointName } from '../resilience/http/index.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { PaymentHandler } from './paymentHandler.js';
import type { PaymentRequest } from './paymentRequest.js';
import { parseRef } from './provider/endpointRef.js';
import { PAYMENT_SERVICE, type PaymentProvider } from './provider/paymentProvider.js';
import { createPaymentProvider } from './provider/providerFromConfig.js';
import { reconcilePayments } from './reconcile.js';
import { useHttpPools } from './testing/httpPools.js';
import { usePaymentSimulators } from './testing/paymentSimulator.js';
import type { Simulator } from './testing/simulatorFleet.js';

// Endpoint pins across configuration changes: simulators are the endpoints of one provider that do NOT share
// idempotency keys or charges (each answers NOT_FOUND for a charge another holds), so a lookup at the wrong one
// would read a charged payment as not charged. Each "deploy" is a provider built from a parsed configuration.

const KEY = 'endpoint-pins-key';
const sims = usePaymentSimulators(3, KEY);
const newPool = useHttpPools();

const url = (s: Simulator) => s.url;
const lookups = (s: Simulator) => s.stats().requests.lookup;
const charges = (s: Simulator) => s.stats().requests.charge;

/** A provider as a deploy with these settings builds it (config parse included). */
function deploy(
  active: Simulator[],
  o: { retired?: Simulator[]; shareKeys?: boolean; unknown?: string[] } = {},
): PaymentProvider {
  const http = newPool();
  const cfg = parseConfig({
    PAYMENT_SERVICE_URL: active.map(url).join(','),
    ...(o.retired ? { PAYMENT_RETIRED_URLS: o.retired.map(url).join(',') } : {}),
    PAYMENT_ENDPOINTS_SHARE_KEYS: String(o.shareKeys ?? false),
  });
  return createPaymentProvider(http, cfg, KEY, { onUnknownEndpoint: (e) => o.unknown?.push(e) });
}

const req = (transactionId: string): PaymentRequest => ({
  transactionId,
  uid: 'u1',
  amount: 1250,
  currency: 'USD',
  paymentMethod: 'credit_card',
});

/** The simulator a reference is pinned to. */
function pinnedTo(ref: string): Simulator {
  const sim = sims.find((s) => endpointName(s.url) === parseRef(ref).endpoint);
  if (!sim) throw new Error(`${ref} is not pinned to a simulator`);
  return sim;
}

/** Prepares and charges `id` at `provider`; returns the reference and the charge id. */
async function charged(provider: PaymentProvider, id: string): Promise<{ ref: string; chargeId: string }> {
  const ref = await provider.prepare(req(id), 1000);
  const answer = await provider.charge(ref, req(id), 1000);
  if (answer.kind !== 'succeeded') throw new Error(`charge of ${id}: ${JSON.stringify(answer)}`);
  return { ref, chargeId: answer.chargeId };
}

describe('endpoint pins survive configuration changes', () => {
  it('pins a payment of a single URL, and finds it there after a new first endpoint is added', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const { ref, chargeId } = await charged(deploy([a]), 'pin_single');
    expect(pinnedTo(ref)).toBe(a);
    const later = deploy([b, a]);
    expect(await later.lookup(ref, req('pin_single'), 1000)).toMatchObject({ kind: 'found', charge: { chargeId } });
    // The new first endpoint was never asked: it would have answered NOT_FOUND for a charged payment.
    expect(lookups(b)).toBe(0);
    expect(await deploy([b]).lookup('pin_single', req('pin_single'), 1000)).toEqual({ kind: 'not-found' });
  });

  it('looks each payment up at its own endpoint after PAYMENT_SERVICE_URL is reordered', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const before = deploy([a, b]);
    const paid = [await charged(before, 'pin_re_0'), await charged(before, 'pin_re_1')];
    // Both endpoints hold one payment each (the balancer takes them in turn).
    expect(new Set(paid.map((p) => pinnedTo(p.ref)))).toEqual(new Set([a, b]));
    const after = deploy([b, a]);
    for (const [i, p] of paid.entries()) {
      const answer = await after.lookup(p.ref, req(`pin_re_${i}`), 1000);
      expect(answer).toMatchObject({ kind: 'found', charge: { chargeId: p.chargeId } });
    }
    expect([lookups(a), lookups(b)]).toEqual([1, 1]);
  });

  it('looks a payment up at an endpoint moved to PAYMENT_RETIRED_URLS, and never charges there again', async () => {
    const [a, b, c] = [sims[0]!, sims[1]!, sims[2]!];
    const before = deploy([a, b]);
    const paid = [await charged(before, 'pin_ret_0'), await charged(before, 'pin_ret_1')];
    const gone = pinnedTo(paid[0]!.ref);
    const kept = gone === a ? b : a;
    const after = deploy([kept, c], { retired: [gone] });
    const look = await after.lookup(paid[0]!.ref, req('pin_ret_0'), 1000);
    expect(look).toMatchObject({ kind: 'found', charge: { chargeId: paid[0]!.chargeId } });
    expect(await after.lookup(paid[1]!.ref, req('pin_ret_1'), 1000)).toMatchObject({ kind: 'found' });
    const chargesBefore = charges(gone);
    expect(await after.charge(paid[0]!.ref, req('pin_ret_0'), 1000)).toMatchObject({
      kind: 'no-answer',
      sent: false,
      reason: 'endpoint-retired',
    });
    for (let k = 0; k < 4; k++) expect(pinnedTo(await after.prepare(req(`pin_ret_new_${k}`), 1000))).not.toBe(gone);
    expect(charges(gone)).toBe(chargesBefore);
    expect([lookups(kept), lookups(c)]).toEqual([1, 0]);
  });

  it("finds an older version's unpinned payment wherever it is, and proves not charged only from every endpoint", async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    // An older version with one URL sent the bare transactionId.
    const old = await deploy([b]).charge('pin_legacy', req('pin_legacy'), 1000);
    expect(old).toMatchObject({ kind: 'succeeded' });
    const now = deploy([a, b]);
    expect(await now.lookup('pin_legacy', req('pin_legacy'), 1000)).toMatchObject({ kind: 'found' });
    expect(await now.lookup('pin_never', req('pin_never'), 1000)).toEqual({ kind: 'not-found' });
    b.setFaults({ mode: 'outage' });
    expect(await now.lookup('pin_never', req('pin_never'), 1000)).toMatchObject({ kind: 'unavailable' });
    // Its endpoint is unknown: no charge is sent for it among endpoints that do not share keys.
    const chargesBefore = charges(a) + charges(b);
    expect(await now.charge('pin_legacy', req('pin_legacy'), 1000)).toMatchObject({ sent: false, reason: 'unpinned' });
    expect(charges(a) + charges(b)).toBe(chargesBefore);
  });
});

describe('PAYMENT_ENDPOINTS_SHARE_KEYS and pins', () => {
  it('looks a payment up at its pinned endpoint first', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const shared = deploy([a, b], { shareKeys: true });
    const { ref, chargeId } = await charged(shared, 'pin_sk_first');
    expect(parseRef(ref).shared).toBe(true);
    const pinned = pinnedTo(ref);
    const other = pinned === a ? b : a;
    expect(await shared.lookup(ref, req('pin_sk_first'), 1000)).toMatchObject({ kind: 'found', charge: { chargeId } });
    expect([lookups(pinned), lookups(other)]).toEqual([1, 0]);
  });

  it('asks the other endpoints in time when the pinned one hangs', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const shared = deploy([a, b], { shareKeys: true });
    const ref = await shared.prepare(req('pin_sk_hang'), 1000);
    const pinned = pinnedTo(ref);
    const other = pinned === a ? b : a;
    pinned.setFaults({ mode: 'hang' });
    const started = performance.now();
    // Never charged: with shared keys the other endpoint's NOT_FOUND answers for the pinned one.
    expect(await shared.lookup(ref, req('pin_sk_hang'), 1000)).toEqual({ kind: 'not-found' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect([lookups(pinned), lookups(other)]).toEqual([1, 1]);
  });

  it('still finds a payment that failed over after shared keys are switched off', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const shared = deploy([a, b], { shareKeys: true });
    const ref = await shared.prepare(req('pin_sk_off'), 1000);
    const pinned = pinnedTo(ref);
    const other = pinned === a ? b : a;
    pinned.setFaults({ mode: 'errors', errorRate: 1 });
    expect(await shared.charge(ref, req('pin_sk_off'), 1000)).toMatchObject({ kind: 'server-error' });
    // The retry moves away from the endpoint that just failed: the keys are shared.
    const retry = await shared.charge(ref, req('pin_sk_off'), 1000);
    expect(retry).toMatchObject({ kind: 'succeeded' });
    expect(other.ledger().charges.map((c) => c.transactionId)).toEqual(['pin_sk_off']);
    pinned.setFaults({ mode: 'none' });
    // Keys no longer shared: the pinned endpoint's NOT_FOUND is not enough, the other holds the charge.
    const unshared = deploy([b, a]);
    expect(await unshared.lookup(ref, req('pin_sk_off'), 1000)).toMatchObject({ kind: 'found' });
    expect([lookups(pinned), lookups(other)]).toEqual([1, 1]);
  });
});

/**
 * Waits until the clock has moved past `t`: a reconciliation pass sees only
 * records updated before it began.
 */
async function clockPast(t: number): Promise<void> {
  while (Date.now() <= t) await new Promise((r) => setTimeout(r, 1));
}

describe('a charged payment left unknown when its endpoint is removed', () => {
  it('stays unknown while the endpoint is in neither list, and settles from PAYMENT_RETIRED_URLS', async () => {
    const [a, b] = [sims[0]!, sims[1]!];
    const ledger = new MemoryLedger();
    const breaker = new FleetCircuitBreaker(PAYMENT_SERVICE, new MemoryBreakerStore(), {
      minCalls: 50,
      failureThreshold: 50,
    });
    const handler = new PaymentHandler({
      ledger,
      provider: deploy([a, b]),
      breaker,
      settings: {
        attemptTimeoutMs: 800,
        attempts: 1,
        totalTimeoutMs: 3000,
        maxAmount: 1000,
        settleMs: 60_000,
        idempotencyTtlMs: 86_400_000,
      },
      sleep: () => Promise.resolve(),
    });
    const attach = vi.spyOn(ledger, 'attachProviderRef');
    // Every endpoint charges and loses the answer, and its lookups go through a gateway that lost the route.
    for (const s of [a, b]) s.setFaults({ mode: 'lost-response', lookupFault: 'gateway-404' });
    const pay = { amount: 12.5, paymentMethod: 'credit_card' as const, transactionId: 'pin_gone' };
    await expect(handler.processPayment(pay, 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    const record = (await ledger.get('pin_gone'))!;
    // The pin came with the claim's own write: nothing was written between the claim and the attempt.
    expect(attach).not.toHaveBeenCalled();
    const holder = pinnedTo(record.providerRef!);
    const other = holder === a ? b : a;
    expect(holder.ledger().charges.map((c) => c.transactionId)).toEqual(['pin_gone']);
    for (const s of [a, b]) s.setFaults({ mode: 'none' });

    // A deploy drops the endpoint without listing it anywhere: the other endpoint would answer NOT_FOUND.
    const unknown: string[] = [];
    const pass = (provider: PaymentProvider) => reconcilePayments({ ledger, provider, settleMs: 0, budgetMs: 60_000 });
    await clockPast(record.updatedAt);
    const dropped = deploy([other], { unknown });
    expect(await pass(dropped)).toMatchObject({ examined: 1, stillUnknown: 1, notCharged: 0 });
    await clockPast((await ledger.get('pin_gone'))!.updatedAt);
    expect(await pass(dropped)).toMatchObject({ examined: 1, stillUnknown: 1, notCharged: 0 });
    expect((await ledger.get('pin_gone'))?.status).toBe('unknown');
    expect(lookups(other)).toBe(0);
    expect(unknown).toEqual([endpointName(holder.url)]); // logged once, not per lookup

    // The next deploy lists it in PAYMENT_RETIRED_URLS: the charge is found where it is.
    await clockPast((await ledger.get('pin_gone'))!.updatedAt);
    expect(await pass(deploy([other], { retired: [holder] }))).toMatchObject({ examined: 1, charged: 1 });
    const settled = await ledger.get('pin_gone');
    expect(settled).toMatchObject({ status: 'succeeded', chargeId: holder.ledger().charges[0]!.id });
    expect(other.ledger().charges).toEqual([]);
  });
});
