import { describe, expect, it } from 'vitest';
import { Transitions } from '../resilience/breaker/stateMachine.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { ok, pay, paymentWorld, T0 } from './testing/handlerKit.js';

// Payments while the fleet breaker is open, through the in-memory ledger with
// per-user limits: nothing is claimed, but every call spends from its caller's
// limits, so a caller cannot call without limit while the breaker is open.

const LIMITS = { ratePerMin: 30, burst: 3, maxInFlight: 2 };

/** A limited world whose breaker this instance has seen open (fresh copy); `done` was paid by u1 before. */
async function openWorld() {
  const w = paymentWorld();
  await w.handlerWith([ok]).handler.processPayment(pay({ transactionId: 'done' }), 'u1');
  // From here a ledger with limits, holding the paid record (and nothing spent yet).
  const paid = (await w.ledger.get('done'))!;
  w.ledger = new MemoryLedger(w.now, LIMITS);
  w.ledger.put('done', paid);
  await w.store.transact('payment-service', Transitions.open(T0, 0, 30_000, 6, 100));
  const { handler, provider } = w.handlerWith();
  // This call learns the breaker is open (it claims, and is refused by the breaker): spent from `learner`.
  await handler.processPayment(pay({ transactionId: 'learn' }), 'learner').catch(() => undefined);
  const claims = { n: 0 };
  const claim = w.ledger.claim.bind(w.ledger);
  w.ledger.claim = (...args) => {
    claims.n++;
    return claim(...args);
  };
  const code = (id: string, uid: string) =>
    handler.processPayment(pay({ transactionId: id }), uid).then(
      (r) => (r.replayed ? 'replayed' : r.status),
      (e: { code: string }) => e.code,
    );
  return { w, handler, provider, claims, code };
}

describe('while the breaker is open', () => {
  it('new payments spend: past the burst resource-exhausted, and nothing is written but the spends', async () => {
    const { w, provider, claims, code } = await openWorld();
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(await code(`new${i}`, 'u1'));
    expect(codes).toEqual([
      ...Array<string>(3).fill('PAYMENT_UNAVAILABLE'),
      'PAYMENT_USER_LIMITED',
      'PAYMENT_USER_LIMITED',
    ]);
    for (let i = 0; i < 5; i++) expect(await w.ledger.get(`new${i}`)).toBeNull();
    expect(w.ledger.userLimits('u1')).toMatchObject({ tokens: 0, inFlight: {} });
    const limited = w.events.filter(
      (e) => e.event === 'payment.completed' && e.fields.outcome === 'PAYMENT_USER_LIMITED',
    );
    expect(limited.map((e) => e.fields.reason)).toEqual(['user-rate', 'user-rate']);
    // Only the spent calls were refused by the breaker.
    const refused = w.events.filter((e) => e.event === 'payment.attempt' && e.fields.outcome === 'breaker-open');
    expect(refused.filter((e) => String(e.fields.transactionId).startsWith('new'))).toHaveLength(3);
    expect(claims.n).toBe(0);
    expect(provider.count('charge')).toBe(0);
    // The bucket refills as usual: one token after 2 s (30 per minute).
    w.clock += 2000;
    await w.store.transact('payment-service', Transitions.open(w.clock, 0, 30_000, 6, 100));
    expect(await code('new5', 'u1')).toBe('PAYMENT_UNAVAILABLE');
  });

  it("replays of the caller's own final payment spend: answered within the burst, limited past it", async () => {
    const { w, code } = await openWorld();
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push(await code('done', 'u1'));
    expect(codes).toEqual(['replayed', 'replayed', 'replayed', 'PAYMENT_USER_LIMITED']);
    expect(await w.ledger.get('done')).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it("another user's transactionId spends too: answered like an unknown id within the burst, never forbidden", async () => {
    const { w, code } = await openWorld();
    const before = await w.ledger.get('done');
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await code('done', 'u2'));
    expect(codes).toEqual([
      ...Array<string>(3).fill('PAYMENT_UNAVAILABLE'),
      ...Array<string>(3).fill('PAYMENT_USER_LIMITED'),
    ]);
    expect(await w.ledger.get('done')).toEqual(before);
    // u1's own budget is untouched.
    expect(w.ledger.userLimits('u1')).toBeUndefined();
  });

  it('a user whose in-flight slots are all held is refused as user-in-flight, and the slots stay held', async () => {
    const { w, code } = await openWorld();
    const req = (transactionId: string) => ({
      transactionId,
      uid: 'u3',
      amount: 1,
      currency: 'USD',
      paymentMethod: 'credit_card' as const,
    });
    await w.ledger.claim(req('held1'), 30_000);
    await w.ledger.claim(req('held2'), 30_000);
    const before = w.ledger.userLimits('u3');
    const err = await w
      .handlerWith()
      .handler.processPayment(pay({ transactionId: 'new' }), 'u3')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_USER_LIMITED', details: { reason: 'user-in-flight' } });
    expect(w.ledger.userLimits('u3')).toEqual(before);
    expect(await code('held1', 'u3')).toBe('PAYMENT_USER_LIMITED');
  });
});
