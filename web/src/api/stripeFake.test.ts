// @vitest-environment node
/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeFake, type StripeFake } from '../../../devtools/stripe-fake/server';
import { createForm } from '../../../devtools/stripe-fake/testKit';
import { completeAuthentication, stripeFakeUrl } from './stripeFake';

const KEY = 'sk_test_web';
let fake: StripeFake;
beforeAll(async () => {
  fake = await startStripeFake({ apiKey: KEY });
});
afterAll(() => fake.close());

/** A PaymentIntent confirmed with the 3-D Secure test card, as the backend leaves it. */
async function intentNeedingAuthentication(tx: string): Promise<string> {
  const post = (path: string, body: string, key: string) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${KEY}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': key,
      },
      body,
    }).then((r) => r.json() as Promise<{ id: string; status: string }>);
  const pi = await post('/v1/payment_intents', createForm(tx, 'pm_card_authenticationRequired'), `${tx}:create`);
  expect((await post(`/v1/payment_intents/${pi.id}/confirm`, '', `${tx}:confirm`)).status).toBe('requires_action');
  return pi.id;
}

describe('Stripe fake control API', () => {
  it('completes 3-D Secure, and says in words why it cannot twice', async () => {
    const id = await intentNeedingAuthentication('tx-web-3ds');
    await completeAuthentication(fake.url, id);
    expect(fake.ledger().paymentIntents.find((p) => p.id === id)?.status).toBe('succeeded');
    await expect(completeAuthentication(fake.url, id)).rejects.toMatchObject({
      code: 'http-409',
      message: expect.stringContaining('requires_action') as unknown,
    });
  });

  it('names the fake when it cannot be reached', async () => {
    await expect(completeAuthentication('http://127.0.0.1:9', 'pi_x')).rejects.toMatchObject({
      code: 'network-error',
      message: expect.stringContaining('npm start -- --stripe') as unknown,
    });
  });

  it('offers the fake only to a page that talks to the emulators', () => {
    const url = 'http://127.0.0.1:12111/';
    expect(stripeFakeUrl({ VITE_STRIPE_FAKE_URL: url, VITE_USE_EMULATORS: 'true' }, false)).toBe(
      'http://127.0.0.1:12111',
    );
    expect(stripeFakeUrl({ VITE_STRIPE_FAKE_URL: url }, true)).toBe('http://127.0.0.1:12111');
    expect(stripeFakeUrl({ VITE_STRIPE_FAKE_URL: url }, false)).toBeNull();
    expect(stripeFakeUrl({ VITE_STRIPE_FAKE_URL: url, VITE_USE_EMULATORS: 'false' }, true)).toBeNull();
    expect(stripeFakeUrl({ VITE_USE_EMULATORS: 'true' }, true)).toBeNull();
  });
});
