import { beforeEach, describe, expect, it } from 'vitest';
import type { CancelAnswer, ChargeAnswer, LookupAnswer } from './provider/paymentProvider.js';
import { pay, paymentWorld } from './testing/handlerKit.js';
import { ScriptedProvider, type ScriptedCharge } from './testing/scriptedProvider.js';

// "Not charged" is certain at Stripe: before a call records a decline or an open
// outcome as not charged, it cancels the provider's own payment (cancelFirst.ts).

let w: ReturnType<typeof paymentWorld>;
beforeEach(() => {
  w = paymentWorld();
});

/** A handler over a provider with its own references (as Stripe's PaymentIntents), answering `cancels`. */
function stripeLike(charges: ScriptedCharge[], lookups: LookupAnswer[], cancels: CancelAnswer[]) {
  const provider = new ScriptedProvider(charges, lookups, () => 'pi_1');
  provider.cancels.push(...cancels);
  return w.handlerOn(provider);
}

const declined: ChargeAnswer = {
  kind: 'declined',
  chargeId: 'ch_d',
  declineCode: 'insufficient_funds',
  amount: 2599,
  currency: 'USD',
};
const saved500: ChargeAnswer = { kind: 'server-error', httpStatus: 500, retryable: false };
const notFound: LookupAnswer = { kind: 'not-found' };
const succeededAtCancel: CancelAnswer = {
  kind: 'found',
  charge: { kind: 'succeeded', chargeId: 'ch_s', amount: 2599, currency: 'USD' },
};

describe('a decline is recorded only after the PaymentIntent is canceled', () => {
  it('canceled -> declined with the decline code', async () => {
    const { handler, provider } = stripeLike([declined], [], [{ kind: 'canceled' }]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({
      status: 'declined',
      declineCode: 'insufficient_funds',
      chargeId: 'ch_d',
    });
    expect(provider.calls.map((c) => [c.op, c.ref])).toEqual([
      ['prepare', undefined],
      ['charge', 'pi_1'],
      ['cancel', 'pi_1'],
    ]);
    expect(await w.record()).toMatchObject({ status: 'declined', providerRef: 'pi_1' });
  });

  it('the cancel finds it succeeded (confirmed again client-side) -> succeeded', async () => {
    const { handler } = stripeLike([declined], [], [succeededAtCancel]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_s' });
    expect(await w.record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_s' });
  });

  it('the cancel goes unanswered -> requires_payment_method (waiting), never declined', async () => {
    const { handler } = stripeLike([declined], [], [{ kind: 'unavailable', reason: 'timeout' }]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'requires_payment_method' });
    expect((await w.record())!.status).toBe('requires_payment_method');
  });

  it('a provider without its own payment (the generic contract) is not asked to cancel', async () => {
    const { handler, provider } = w.handlerWith([declined]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'declined' });
    expect(provider.count('cancel')).toBe(0);
  });
});

describe('an open outcome not found after the settle window is canceled before it is "not charged"', () => {
  it('500s on the confirm, not found: canceled at the provider -> canceled (final); a repeat call replays it', async () => {
    const { handler, provider } = stripeLike([saved500], [notFound], [{ kind: 'canceled' }]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'canceled', chargeId: '' });
    expect(provider.calls.map((c) => c.op)).toEqual(['prepare', 'charge', 'lookup', 'cancel']);
    expect((await w.record())!.status).toBe('canceled');
    const again = stripeLike([], [], []);
    expect(await again.handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'canceled', replayed: true });
    expect(again.provider.calls).toEqual([]);
  });

  it('the cancel goes unanswered -> unknown, never failed', async () => {
    const { handler } = stripeLike([saved500], [notFound], [{ kind: 'unavailable', reason: 'HTTP 500' }]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN' });
    expect(await w.record()).toMatchObject({ status: 'unknown', error: { code: 'LOOKUP_UNAVAILABLE' } });
  });

  it('the cancel finds it charged -> succeeded', async () => {
    const { handler } = stripeLike([saved500], [notFound], [succeededAtCancel]);
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_s' });
  });

  it('no PaymentIntent (nothing to cancel) -> failed as before', async () => {
    const { handler, provider } = w.handlerWith([saved500], [notFound]);
    await expect(handler.processPayment(pay(), 'u1')).rejects.toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect((await w.record())!.status).toBe('failed');
    expect(provider.count('cancel')).toBe(0);
  });
});

describe('a repeat call answers the stored truth', () => {
  it('a failed 3-D Secure found by the lookup: requires_payment_method with the client secret to confirm again', async () => {
    const first = stripeLike([{ kind: 'pending', state: 'requires_action', clientSecret: 'pi_1_secret_x' }], [], []);
    expect(await first.handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'requires_action' });
    const waiting: LookupAnswer = { kind: 'pending', state: 'requires_payment_method', clientSecret: 'pi_1_secret_x' };
    const again = stripeLike([], [waiting], []);
    expect(await again.handler.processPayment(pay(), 'u1')).toMatchObject({
      status: 'requires_payment_method',
      clientSecret: 'pi_1_secret_x',
    });
    expect(again.provider.calls.map((c) => c.op)).toEqual(['lookup']);
    expect((await w.record())!.status).toBe('requires_payment_method');
  });

  it('a lookup finding the PaymentIntent canceled -> canceled', async () => {
    const first = stripeLike([{ kind: 'pending', state: 'requires_action' }], [], []);
    await first.handler.processPayment(pay(), 'u1');
    const again = stripeLike([], [{ kind: 'canceled' }], []);
    expect(await again.handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'canceled' });
    expect((await w.record())!.status).toBe('canceled');
  });
});
