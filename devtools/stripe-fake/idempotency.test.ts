import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_RETENTION_MS } from './idempotency.ts';
import { startStripeFake } from './server.ts';
import type { StripeFake } from './server.ts';
import { clientFor, createForm } from './testKit.ts';
import type { ErrorBody } from './testKit.ts';

const KEY = 'sk_test_idem';
let fake: StripeFake;
beforeEach(async () => {
  fake = await startStripeFake({ apiKey: KEY });
});
afterEach(() => fake.close());

const { call, create, confirm } = clientFor(() => fake.url, KEY);

describe("Stripe's idempotency rules", () => {
  it('answers a repeat with the same parameters with the saved response, marked as replayed', async () => {
    const first = await create('tx-1');
    const again = await create('tx-1');
    expect(again.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const confirmed = await confirm(first.body.id, 'tx-1:confirm');
    const replay = await confirm(first.body.id, 'tx-1:confirm');
    expect(replay.body).toEqual(confirmed.body);
    expect(fake.ledger()).toMatchObject({
      requestsByKey: { 'tx-1:create': 2, 'tx-1:confirm': 2 },
      charges: [expect.objectContaining({ status: 'succeeded' })],
    });
    expect(fake.ledger().paymentIntents).toHaveLength(1);
  });

  it('replays a saved decline without a second charge', async () => {
    const { body: pi } = await create('tx-d', 'pm_card_chargeDeclined');
    const first = await confirm(pi.id, 'tx-d:confirm');
    const again = await confirm(pi.id, 'tx-d:confirm');
    expect([first.status, again.status]).toEqual([402, 402]);
    expect(again.body).toEqual(first.body);
    expect(fake.ledger().charges).toHaveLength(1);
  });

  it('refuses the key with other parameters or on another endpoint: 400 idempotency_error', async () => {
    await create('tx-2', 'pm_card_visa', 1999);
    const other = await create('tx-2', 'pm_card_visa', 2000);
    expect(other.status).toBe(400);
    expect(other.body.error.type).toBe('idempotency_error');
    const elsewhere = await call<ErrorBody>('POST', '/v1/payment_intents/pi_x/confirm', {
      body: '',
      key: 'tx-2:create',
    });
    expect(elsewhere.body.error.type).toBe('idempotency_error');
    expect(fake.ledger().paymentIntents).toHaveLength(1);
  });

  it('compares decoded parameters, whatever their order', async () => {
    const form = createForm('tx-o');
    const reordered = [...new URLSearchParams(form)]
      .reverse()
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    const a = await call<{ id: string }>('POST', '/v1/payment_intents', { body: form, key: 'k-o' });
    const b = await call<{ id: string }>('POST', '/v1/payment_intents', { body: reordered.join('&'), key: 'k-o' });
    expect(b.body.id).toBe(a.body.id);
  });

  it('answers 409 idempotency_key_in_use while the first request with the key still executes', async () => {
    fake.setFaults({ mode: 'none', latencyMs: 300, endpoint: 'create' });
    const [a, b] = await Promise.all([
      create('tx-c'),
      new Promise((r) => setTimeout(r, 50)).then(() => create('tx-c')),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(409);
    expect(b.body.error).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_key_in_use' });
    fake.setFaults({ mode: 'none' });
    expect((await create('tx-c')).body.id).toBe(a.body.id);
  });

  it('saves nothing for a request refused by validation: the key can be used again', async () => {
    const bad = await call<ErrorBody>('POST', '/v1/payment_intents', { body: 'amount=1&currency=USD', key: 'k-v' });
    expect(bad.status).toBe(400);
    const good = await call<{ status: string }>('POST', '/v1/payment_intents', {
      body: 'amount=1&currency=usd',
      key: 'k-v',
    });
    expect(good.status).toBe(200);
  });

  it('forgets a key 24 h after it was saved, on the clock the control API moves', async () => {
    const first = await create('tx-t');
    fake.advanceClock(KEY_RETENTION_MS - 1000);
    expect((await create('tx-t')).body.id).toBe(first.body.id);
    fake.advanceClock(1000);
    const later = await create('tx-t');
    expect(later.status).toBe(200);
    expect(later.body.id).not.toBe(first.body.id);
    expect(fake.ledger().paymentIntents).toHaveLength(2);
  });

  it('does not apply keys to GET requests', async () => {
    const { body: pi } = await create('tx-g');
    await call('GET', `/v1/payment_intents/${pi.id}`, { key: 'g' });
    await call('GET', '/v1/balance', { key: 'g' });
    expect(fake.ledger().requestsByKey).toEqual({ 'tx-g:create': 1 });
  });
});
