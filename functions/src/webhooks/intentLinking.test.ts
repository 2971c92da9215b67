/**
 * The linking decision table: which PaymentIntent may settle which record,
 * and what is counted and logged for the others, with a MemoryLedger.
 */
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { requestHash, type PaymentRecord } from '../payments/ledger/paymentLedger.js';
import { linkIntent, type Link } from './intentLinking.js';
import type { WebhookEvent } from './webhookEvents.js';

const T0 = 1_800_000_000_000;
let ledger: MemoryLedger;
let logged: WebhookEvent[];
beforeEach(() => {
  ledger = new MemoryLedger(() => T0);
  logged = [];
});

function record(over: Partial<PaymentRecord> = {}): PaymentRecord {
  const base = { uid: 'u1', amount: 1999, currency: 'USD', paymentMethod: 'credit_card' as const };
  const at = T0 - 60_000;
  const r = { ...base, status: PaymentStatus.unknown, attempts: 1, requestHash: requestHash(base), createdAt: at };
  return { ...r, providerRef: 'pi_1', updatedAt: at, ...over };
}

/** A PaymentIntent as an event carries it (with its client secret, which nothing may log). */
function intent(over: Partial<Record<string, unknown>> = {}): Stripe.PaymentIntent {
  return {
    id: 'pi_1',
    object: 'payment_intent',
    status: 'succeeded',
    amount: 1999,
    currency: 'usd',
    client_secret: 'pi_1_secret_do_not_log',
    latest_charge: 'ch_1',
    last_payment_error: null,
    metadata: { transactionId: 'tx1', uid: 'u1' },
    ...over,
  } as unknown as Stripe.PaymentIntent;
}

const link = (pi: Stripe.PaymentIntent, named: string | null = 'tx1'): Promise<Link> =>
  linkIntent({ ledger, emit: (e) => logged.push(e) }, named, pi, 'evt_1');

async function counts() {
  const { orphanCharges, foreignIntents } = await ledger.health(T0);
  return { orphanCharges, foreignIntents };
}

describe('the record its own PaymentIntent settles', () => {
  it('links the PaymentIntent whose id the record holds and whose metadata carries its uid, counting nothing', async () => {
    ledger.put('tx1', record());
    const l = await link(intent());
    expect(l).toMatchObject({ kind: 'linked', transactionId: 'tx1', record: { providerRef: 'pi_1', uid: 'u1' } });
    expect(await counts()).toEqual({ orphanCharges: 0, foreignIntents: 0 });
    expect(logged).toEqual([]);
  });
});

describe('a PaymentIntent that names a record it does not belong to', () => {
  it.each<[string, Partial<PaymentRecord>, Partial<Record<string, unknown>>, string]>([
    ['another PaymentIntent id', {}, { id: 'pi_2' }, 'other-intent'],
    ['a record that holds no PaymentIntent id', { providerRef: undefined }, {}, 'no-intent-stored'],
    ['no uid', {}, { metadata: { transactionId: 'tx1' } }, 'no-user'],
    ['an empty uid', {}, { metadata: { transactionId: 'tx1', uid: '' } }, 'no-user'],
    ['another uid', {}, { metadata: { transactionId: 'tx1', uid: 'u2' } }, 'other-user'],
  ])('%s: foreign, and an orphan charge when it succeeded', async (_, rec, pi, reason) => {
    ledger.put('tx1', record(rec));
    const before = await ledger.get('tx1');
    expect(await link(intent({ ...pi, status: 'requires_action' }))).toEqual({
      kind: 'foreign-intent',
      outcome: 'foreign-intent',
    });
    expect(await counts()).toEqual({ orphanCharges: 0, foreignIntents: 1 });
    expect(logged).toEqual([
      expect.objectContaining({
        type: 'stripe_webhook.foreign_intent',
        severity: 'WARNING',
        reason,
        transactionId: 'tx1',
      }),
    ]);
    logged = [];
    expect((await link(intent(pi))).kind).toBe('foreign-intent');
    expect(await counts()).toEqual({ orphanCharges: 1, foreignIntents: 2 });
    expect(logged.map((e) => [e.type, e.severity])).toEqual([
      ['stripe_webhook.foreign_intent', 'ERROR'],
      ['stripe_webhook.orphan_charge', 'ERROR'],
    ]);
    expect(logged[1]).toMatchObject({ transactionId: 'tx1', reason, amount: 1999, currency: 'usd', eventId: 'evt_1' });
    expect(await ledger.get('tx1')).toEqual(before);
  });
});

describe('a PaymentIntent that names no record', () => {
  it('no transactionId: an orphan charge when it succeeded, nothing otherwise', async () => {
    expect(await link(intent({ metadata: {} }), null)).toEqual({ kind: 'no-transaction', outcome: 'no-transaction' });
    expect(logged).toEqual([
      {
        type: 'stripe_webhook.orphan_charge',
        severity: 'ERROR',
        paymentIntent: 'pi_1',
        amount: 1999,
        currency: 'usd',
        transactionId: undefined,
        reason: 'no-transaction',
        eventId: 'evt_1',
      },
    ]);
    expect(await counts()).toEqual({ orphanCharges: 1, foreignIntents: 0 });
    logged = [];
    expect((await link(intent({ status: 'processing', metadata: {} }), null)).kind).toBe('no-transaction');
    expect((await link(intent({ status: 'succeeded', metadata: { transactionId: '' } }), '')).kind).toBe(
      'no-transaction',
    );
    expect(logged.map((e) => e.type)).toEqual(['stripe_webhook.orphan_charge']);
    expect(await counts()).toEqual({ orphanCharges: 2, foreignIntents: 0 });
  });

  it('a transactionId with no record: an orphan charge when it succeeded', async () => {
    expect((await link(intent({ status: 'payment_failed' }))).kind).toBe('unknown-transaction');
    expect(await counts()).toEqual({ orphanCharges: 0, foreignIntents: 0 });
    expect((await link(intent())).kind).toBe('unknown-transaction');
    expect(logged).toEqual([
      expect.objectContaining({
        type: 'stripe_webhook.orphan_charge',
        reason: 'unknown-transaction',
        transactionId: 'tx1',
      }),
    ]);
    expect(await counts()).toEqual({ orphanCharges: 1, foreignIntents: 0 });
  });

  it('an id the product never accepts is not read from the ledger (no document path), and is an orphan', async () => {
    const reads: string[] = [];
    const get = ledger.get.bind(ledger);
    ledger.get = (id) => (reads.push(id), get(id));
    for (const id of ['a/b', '__x__', 'x'.repeat(65)])
      expect((await link(intent(), id)).kind).toBe('unknown-transaction');
    expect(reads).toEqual([]);
    expect(await counts()).toEqual({ orphanCharges: 3, foreignIntents: 0 });
  });

  it('never logs the client secret or the metadata', async () => {
    ledger.put('tx1', record());
    await link(intent({ id: 'pi_2', metadata: { transactionId: 'tx1', uid: 'u1', email: 'a@example.com' } }));
    await link(intent({ metadata: { email: 'a@example.com' } }), null);
    expect(logged).toHaveLength(3);
    expect(JSON.stringify(logged)).not.toMatch(/secret|example\.com/);
  });
});

it('a count that fails fails the event (the webhook answers 500 and Stripe delivers it again)', async () => {
  ledger.put('tx1', record());
  ledger.countIncident = () => Promise.reject(new Error('firestore unavailable'));
  await expect(link(intent({ id: 'pi_2' }))).rejects.toThrow('firestore unavailable');
  await expect(link(intent(), null)).rejects.toThrow('firestore unavailable');
});
