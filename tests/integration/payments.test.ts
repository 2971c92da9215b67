import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessPaymentResult } from '../../functions/src/api/index.js';
import { adminDb } from './admin.js';
import { resetBreakers } from './breakers.js';
import { USERS, errorOf, session, type Session } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';
import { ledger, setFaults } from './simulator.js';

const txn = (tag: string) => `it_${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;

describe('processPayment through the functions emulator and the payment simulator', () => {
  let user: Session, other: Session, admin: Session;
  beforeAll(async () => {
    [user, other, admin] = await Promise.all([session('new'), session('new'), session(USERS.admin)]);
  });
  eachTestFromACleanProvider(() => admin);
  afterAll(async () => Promise.all([user, other, admin].map((s) => s?.close())));

  it('charges once and records the payment', async () => {
    const res = await user.call<ProcessPaymentResult>('processPayment', {
      amount: 25.99,
      paymentMethod: 'credit_card',
    });
    expect(res).toMatchObject({ status: 'succeeded', amount: 25.99, currency: 'USD', attempts: 1, replayed: false });
    expect(res.transactionId).toMatch(/^txn_/);
    const record = (await adminDb().doc(`payments/${res.transactionId}`).get()).data();
    expect(record).toMatchObject({
      uid: user.uid,
      amount: 2599,
      currency: 'USD',
      status: 'succeeded',
      chargeId: res.chargeId,
      attempts: 1,
    });
  });

  it('records a decline as a final business outcome', async () => {
    const id = txn('decline');
    const res = await user.call('processPayment', { amount: 4.02, paymentMethod: 'debit_card', transactionId: id });
    expect(res).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds', replayed: false });
  });

  it('replays the same transactionId without a second provider call', async () => {
    const id = txn('replay');
    const first = await user.call<Record<string, unknown>>('processPayment', {
      amount: 10,
      paymentMethod: 'credit_card',
      transactionId: id,
      currency: 'eur',
    });
    const again = await user.call<Record<string, unknown>>('processPayment', {
      amount: 10,
      paymentMethod: 'credit_card',
      transactionId: id,
      currency: 'EUR',
    });
    // Each answer carries a fresh seal of the caller's limits (docs/callables.md); the recorded result replays.
    const { seal: firstSeal, ...recorded } = first;
    const { seal: againSeal, ...replayed } = again;
    expect(replayed).toEqual({ ...recorded, replayed: true });
    expect([typeof firstSeal, typeof againSeal]).toEqual(['string', 'string']);
    expect((await ledger()).chargeRequests[id]).toBe(1);
  });

  it('refuses the same transactionId with other parameters (already-exists) and another user (permission-denied)', async () => {
    const id = txn('conflict');
    await user.call('processPayment', { amount: 12, paymentMethod: 'credit_card', transactionId: id });
    expect(
      (await errorOf(user.call('processPayment', { amount: 13, paymentMethod: 'credit_card', transactionId: id })))
        .code,
    ).toBe('already-exists');
    const foreign = await errorOf(
      other.call('processPayment', { amount: 12, paymentMethod: 'credit_card', transactionId: id }),
    );
    expect(foreign.code).toBe('permission-denied');
    expect(JSON.stringify(foreign)).not.toContain(user.uid!);
    expect((await ledger()).chargeRequests[id]).toBe(1);
  });

  it('charges exactly once for 20 concurrent calls with one transactionId', async () => {
    // Warm 20 workers first: the emulator starts one process per concurrent request.
    await Promise.all(
      Array.from({ length: 20 }, () => user.codeOf('processPayment', { amount: -1, paymentMethod: 'credit_card' })),
    );
    await setFaults({ mode: 'latency', latencyMs: 1500 }); // keeps the first charge in flight while the others arrive
    const id = txn('concurrent');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        user.call<ProcessPaymentResult>('processPayment', {
          amount: 7.5,
          paymentMethod: 'credit_card',
          transactionId: id,
        }),
      ),
    );
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const codes = results.flatMap((r) =>
      r.status === 'rejected' ? [String((r.reason as { code?: unknown }).code)] : [],
    );
    // Exactly one call charged; the others either found it in progress (aborted)
    // or, arriving after it finished, replayed its result. How many of each
    // depends on how the emulator schedules its workers.
    expect(ok.filter((r) => r.replayed === false)).toHaveLength(1);
    expect(new Set(ok.map((r) => r.chargeId)).size).toBe(1);
    expect(codes.every((c) => c === 'functions/aborted')).toBe(true);
    expect(ok.length + codes.length).toBe(20);
    expect((await ledger()).chargeRequests[id]).toBe(1);
  });

  it('resolves commit-then-time-out to one charge and a final succeeded', async () => {
    await setFaults({ mode: 'commit-then-timeout', commitDelayMs: 8000 });
    const id = txn('commit');
    const res = await user.call<Record<string, unknown>>('processPayment', {
      amount: 3,
      paymentMethod: 'credit_card',
      transactionId: id,
    });
    expect(res).toMatchObject({ status: 'succeeded' });
    const { charges } = await ledger();
    expect(charges.filter((c) => c.transactionId === id)).toHaveLength(1);
    expect((await adminDb().doc(`payments/${id}`).get()).data()).toMatchObject({
      status: 'succeeded',
      chargeId: res.chargeId,
    });
  });

  it('honours Retry-After on 429 and answers resource-exhausted without charging', async () => {
    await setFaults({ mode: 'rate-limit', retryAfterSec: 1 });
    const id = txn('ratelimit');
    const started = Date.now();
    const err = await errorOf(
      user.call('processPayment', { amount: 5, paymentMethod: 'credit_card', transactionId: id }),
    );
    expect(err.code).toBe('resource-exhausted');
    expect(err.details).toMatchObject({ transactionId: id, status: 'failed' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // two 1 s Retry-After waits between three attempts
    expect((await ledger()).chargeRequests[id]).toBe(3);
    await setFaults({ mode: 'none' });
    expect(
      await user.call('processPayment', { amount: 5, paymentMethod: 'credit_card', transactionId: id }),
    ).toMatchObject({ status: 'succeeded', replayed: false });
  });

  it('opens the breaker when the provider is down, fails fast, and recovers after a reset', async () => {
    await setFaults({ mode: 'outage' });
    const unknownIds: string[] = [];
    let state = 'closed';
    for (let i = 0; i < 8 && state !== 'open'; i++) {
      const id = txn('outage');
      const err = await errorOf(
        user.call('processPayment', { amount: 2, paymentMethod: 'credit_card', transactionId: id }),
      );
      expect(['deadline-exceeded', 'unavailable']).toContain(err.code);
      if (err.code === 'deadline-exceeded') {
        expect(err.details).toEqual({ transactionId: id, status: 'unknown', code: 'PAYMENT_UNKNOWN' });
        unknownIds.push(id);
      }
      state = (
        await admin.call<{ services: Record<string, { breaker: { state: string } }> }>('getConnectionPoolStats', {})
      ).services['payment-service']!.breaker.state;
    }
    expect(state).toBe('open');

    const fast = txn('fastfail');
    const t0 = Date.now();
    const err = await errorOf(
      user.call('processPayment', { amount: 2, paymentMethod: 'credit_card', transactionId: fast }),
    );
    expect(err.code).toBe('unavailable');
    expect(err.details).toMatchObject({ transactionId: fast, status: 'failed' });
    expect(Number(err.details!.retryAfterMs)).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((await ledger()).chargeRequests[fast]).toBeUndefined();

    await setFaults({ mode: 'none' });
    expect(await resetBreakers(admin, 'payment-service')).toMatchObject({ reset: ['payment-service'] });
    expect(
      await user.call('processPayment', { amount: 2, paymentMethod: 'credit_card', transactionId: fast }),
    ).toMatchObject({ status: 'succeeded' });
    // Unknown outcomes resolve to the truth on a repeat with the same id.
    for (const id of unknownIds) {
      expect(
        await user.call('processPayment', { amount: 2, paymentMethod: 'credit_card', transactionId: id }),
      ).toMatchObject({ status: 'succeeded' });
    }
  });

  it('rejects 30+ malformed payloads with invalid-argument, writing and sending nothing', async () => {
    const id = txn('bad');
    const valid = { amount: 10, paymentMethod: 'credit_card', transactionId: id };
    const bad: unknown[] = [
      null,
      'string',
      42,
      [],
      {},
      { ...valid, amount: undefined },
      { ...valid, amount: '10' },
      { ...valid, amount: 0 },
      { ...valid, amount: -5 },
      { ...valid, amount: 10.001 },
      { ...valid, amount: 1e-9 },
      { ...valid, amount: 1000000.01 },
      { ...valid, amount: 1e21 },
      { ...valid, amount: true },
      { ...valid, amount: null },
      { ...valid, amount: { value: 10 } },
      { ...valid, paymentMethod: 'cash' },
      { ...valid, paymentMethod: '' },
      { ...valid, paymentMethod: 1 },
      { amount: 10, transactionId: id },
      { ...valid, currency: 'XYZ' },
      { ...valid, currency: 'US' },
      { ...valid, currency: 5 },
      { ...valid, currency: 'JPY', amount: 10.5 },
      { ...valid, transactionId: 'has space' },
      { ...valid, transactionId: 'x'.repeat(65) },
      { ...valid, transactionId: '' },
      { ...valid, transactionId: 'semi;colon' },
      { ...valid, transactionId: 12 },
      { ...valid, transactionId: '__x__' },
      { ...valid, extra: 1 },
      { ...valid, uid: 'someone-else' },
      { ...valid, amount: [10] },
    ];
    expect(bad.length).toBeGreaterThanOrEqual(30);
    for (const payload of bad) {
      const err = await errorOf(user.call('processPayment', payload));
      expect({ payload, code: err.code }).toEqual({ payload, code: 'invalid-argument' });
      expect(err.message.length).toBeGreaterThan(10);
    }
    expect((await adminDb().doc(`payments/${id}`).get()).exists).toBe(false);
    expect((await ledger()).chargeRequests[id]).toBeUndefined();
  });

  it('refuses an id Firestore reserves (__...__) with invalid-argument before any ledger read or charge', async () => {
    const reserved = `__${txn('reserved')}__`;
    const err = await errorOf(
      user.call('processPayment', { amount: 5, paymentMethod: 'credit_card', transactionId: reserved }),
    );
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toContain('transactionId');
    expect((await ledger()).chargeRequests[reserved]).toBeUndefined();
  });
});
