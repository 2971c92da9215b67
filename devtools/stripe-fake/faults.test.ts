import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultConfigError, parseFaultConfig } from './faults.ts';
import { startStripeFake } from './server.ts';
import type { StripeFake } from './server.ts';
import { clientFor } from './testKit.ts';
import type { ErrorBody } from './testKit.ts';

const KEY = 'sk_test_faults';
let fake: StripeFake;
beforeEach(async () => {
  fake = await startStripeFake({ apiKey: KEY });
});
afterEach(() => fake.close());

const { call, create, confirm, control } = clientFor(() => fake.url, KEY);

/** A confirmation whose caller gives up after 300 ms: what it got. */
function confirmGivingUp(id: string, key: string): Promise<string> {
  const init = { body: '', key, signal: AbortSignal.timeout(300) };
  return call('POST', `/v1/payment_intents/${id}/confirm`, init).then(
    () => 'answered',
    () => 'no answer',
  );
}

async function intent(tx: string, pm?: string): Promise<string> {
  return (await create(tx, pm)).body.id;
}

describe('fault configuration', () => {
  it('accepts known modes and fields and refuses the rest by name', () => {
    expect(
      parseFaultConfig({ mode: 'rate-limit', endpoint: 'confirm', count: 2, retryAfterSec: 3, shouldRetry: false }),
    ).toEqual({
      mode: 'rate-limit',
      endpoint: 'confirm',
      count: 2,
      retryAfterSec: 3,
      shouldRetry: false,
    });
    for (const bad of [
      null,
      [],
      { mode: 'explode' },
      { mode: 'hang', count: -1 },
      { mode: 'hang', endpoint: 'x' },
      { mode: 'none', latency: 5 },
    ]) {
      expect(() => parseFaultConfig(bad)).toThrow(FaultConfigError);
    }
  });

  it('is switched through the control API', async () => {
    expect((await control('PUT', '/faults', { mode: 'nope' })).status).toBe(400);
    expect((await control('PUT', '/faults', { mode: 'hang', endpoint: 'confirm' })).body).toEqual({
      mode: 'hang',
      endpoint: 'confirm',
    });
    expect((await control('GET', '/faults')).body).toEqual({ mode: 'hang', endpoint: 'confirm' });
    await control('POST', '/reset');
    expect(fake.faults()).toEqual({ mode: 'none' });
  });
});

describe('runtime faults', () => {
  it('error-before: 500 with Stripe-Should-Retry true, nothing executed or saved', async () => {
    const id = await intent('tx-b');
    fake.setFaults({ mode: 'error-before', endpoint: 'confirm', count: 1 });
    const res = await confirm(id, 'tx-b:confirm');
    expect(res.status).toBe(500);
    expect(res.body.error.type).toBe('api_error');
    expect(res.headers.get('stripe-should-retry')).toBe('true');
    expect(fake.ledger().charges).toEqual([]);
    expect((await confirm(id, 'tx-b:confirm')).body.status).toBe('succeeded');
  });

  it('error-after: the charge happens, the 500 is saved for the key and replayed', async () => {
    const id = await intent('tx-a');
    fake.setFaults({ mode: 'error-after', endpoint: 'confirm', count: 1 });
    const res = await confirm(id, 'tx-a:confirm');
    expect(res.status).toBe(500);
    expect(res.headers.get('stripe-should-retry')).toBe('false');
    expect(fake.faults()).toEqual({ mode: 'none' });
    const replay = await confirm(id, 'tx-a:confirm');
    expect(replay.status).toBe(500);
    expect(replay.body).toEqual(res.body);
    expect(fake.ledger().paymentIntents[0]!.status).toBe('succeeded');
    expect(fake.ledger().charges).toHaveLength(1);
  });

  it('rate-limit: 429 rate_limit with Stripe-Should-Retry and Retry-After, nothing executed', async () => {
    fake.setFaults({ mode: 'rate-limit', retryAfterSec: 2, shouldRetry: false });
    const res = await call<ErrorBody>('POST', '/v1/payment_intents', { body: 'amount=1&currency=usd', key: 'k' });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'rate_limit' });
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('stripe-should-retry')).toBe('false');
    expect(fake.ledger().paymentIntents).toEqual([]);
  });

  it('hang: never answers and executes nothing; the key stays free', async () => {
    const id = await intent('tx-h');
    fake.setFaults({ mode: 'hang', endpoint: 'confirm', count: 1 });
    expect(await confirmGivingUp(id, 'tx-h:confirm')).toBe('no answer');
    expect(fake.ledger().paymentIntents[0]!.status).toBe('requires_confirmation');
    const retry = await confirm(id, 'tx-h:confirm');
    expect(retry.body.status).toBe('succeeded');
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('commit-then-hang: executes and saves, never answers; the same key then gets the saved answer', async () => {
    const id = await intent('tx-ch');
    fake.setFaults({ mode: 'commit-then-hang', endpoint: 'confirm', count: 1 });
    expect(await confirmGivingUp(id, 'tx-ch:confirm')).toBe('no answer');
    expect(fake.ledger().paymentIntents[0]!.status).toBe('succeeded');
    const replay = await confirm(id, 'tx-ch:confirm');
    expect(replay.body.status).toBe('succeeded');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('key-in-use: 409 idempotency_key_in_use, nothing executed or saved; the same key then executes', async () => {
    const id = await intent('tx-k');
    fake.setFaults({ mode: 'key-in-use', endpoint: 'confirm', count: 1 });
    const res = await confirm(id, 'tx-k:confirm');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_key_in_use' });
    expect(fake.ledger().paymentIntents[0]!.status).toBe('requires_confirmation');
    const retry = await confirm(id, 'tx-k:confirm');
    expect(retry.body.status).toBe('succeeded');
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('latency delays matching requests only', async () => {
    fake.setFaults({ mode: 'none', endpoint: 'balance', latencyMs: 250 });
    const t0 = performance.now();
    await intent('tx-l');
    const fast = performance.now() - t0;
    await call('GET', '/v1/balance');
    expect(performance.now() - t0 - fast).toBeGreaterThanOrEqual(240);
    expect(fast).toBeLessThan(240);
  });
});
