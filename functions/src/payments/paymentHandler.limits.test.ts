import { describe, expect, it } from 'vitest';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { ok, pay, paymentWorld } from './testing/handlerKit.js';

// Per-user limits, applied atomically with the claim: over a limit nothing is
// written to the ledger and nothing is sent to the provider.

const LIMITS = { ratePerMin: 30, burst: 3, maxInFlight: 2 };

function limitedWorld() {
  const w = paymentWorld();
  w.ledger = new MemoryLedger(w.now, LIMITS);
  return w;
}

describe('per-user limits', () => {
  it('a burst from one user is cut at the limit; another user is not affected', async () => {
    const w = limitedWorld();
    const { handler, provider } = w.handlerWith([ok, ok, ok, ok]);
    for (let i = 0; i < 3; i++) await handler.processPayment(pay({ transactionId: `b${i}` }), 'u1');
    const err = await handler.processPayment(pay({ transactionId: 'b3' }), 'u1').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_USER_LIMITED', details: { reason: 'user-rate', retryAfterMs: 2000 } });
    expect(await w.ledger.get('b3')).toBeNull();
    expect(provider.count('charge')).toBe(3);
    expect(await handler.processPayment(pay({ transactionId: 'other' }), 'u2')).toMatchObject({ status: 'succeeded' });
  });

  it('replays count too', async () => {
    const w = limitedWorld();
    const { handler } = w.handlerWith([ok]);
    await handler.processPayment(pay(), 'u1');
    await handler.processPayment(pay(), 'u1');
    await handler.processPayment(pay(), 'u1');
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ details: { reason: 'user-rate' } });
  });

  it("the caller's own conflicts and repeats of a call in progress spend too", async () => {
    const w = limitedWorld();
    const codes: string[] = [];
    const { handler, provider } = w.handlerWith([
      async () => {
        // While the first call is at the provider: a repeat (in progress), then other parameters (conflict).
        for (const input of [pay(), pay({ amount: 1 }), pay()]) {
          const err = await handler.processPayment(input, 'u1').catch((e: unknown) => e);
          codes.push((err as { code: string }).code);
        }
        return ok;
      },
    ]);
    await handler.processPayment(pay(), 'u1');
    // Burst 3: the claim and two refusals spent it, so the third refusal is limited.
    expect(codes).toEqual(['PAYMENT_IN_PROGRESS', 'PAYMENT_CONFLICT', 'PAYMENT_USER_LIMITED']);
    expect(provider.count('charge')).toBe(1);
  });

  it("calls with another user's transactionId spend too: past the burst they are limited, never forbidden", async () => {
    const w = limitedWorld();
    const { handler, provider } = w.handlerWith([ok, ok]);
    await handler.processPayment(pay({ transactionId: 'owned' }), 'u1');
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const err = await handler.processPayment(pay({ transactionId: 'owned' }), 'u2').catch((e: unknown) => e);
      codes.push((err as { code: string }).code);
    }
    expect(codes).toEqual([
      ...Array<string>(3).fill('PAYMENT_FORBIDDEN'),
      ...Array<string>(7).fill('PAYMENT_USER_LIMITED'),
    ]);
    expect(provider.count('charge')).toBe(1);
    // u2's own payments wait for the bucket like after any burst; u1 is unaffected.
    await expect(handler.processPayment(pay({ transactionId: 'mine' }), 'u2')).rejects.toMatchObject({
      code: 'PAYMENT_USER_LIMITED',
    });
    expect(await handler.processPayment(pay({ transactionId: 'owned2' }), 'u1')).toMatchObject({ status: 'succeeded' });
  });

  it('more calls at once than allowed: user-in-flight; a finished call frees its slot', async () => {
    const w = limitedWorld();
    const inFlight: Promise<unknown>[] = [];
    let third: unknown;
    const { handler } = w.handlerWith([
      () => {
        inFlight.push(handler.processPayment(pay({ transactionId: 'f2' }), 'u1'));
        return ok;
      },
      () => {
        third = handler.processPayment(pay({ transactionId: 'f3' }), 'u1').catch((e: unknown) => e);
        return ok;
      },
      ok,
    ]);
    await handler.processPayment(pay({ transactionId: 'f1' }), 'u1');
    await Promise.all(inFlight);
    expect(await third).toMatchObject({ code: 'PAYMENT_USER_LIMITED', details: { reason: 'user-in-flight' } });
    expect(await w.ledger.get('f3')).toBeNull();
    expect(Object.keys(w.ledger.userLimits('u1')?.inFlight ?? {})).toEqual([]);
  });
});
