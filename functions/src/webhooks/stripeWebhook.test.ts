// The Stripe webhook's decisions with a MemoryLedger and events signed by the Stripe fake's signer (Stripe's
// scheme), through stripe.webhooks.constructEvent; refund events in stripeWebhook.refunds.test.ts.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { requestHash, type PaymentRecord } from '../payments/ledger/paymentLedger.js';
import type { MemoryProcessedEvents } from './stripeEvents.js';
import { handleStripeWebhook, type StripeWebhookDeps } from './stripeWebhook.js';
import { loadStripeFake, type StripeFakeModule } from './testing/stripeFake.js';
import { webhookWorld, type LoggedEvent } from './testing/webhookWorld.js';

const SECRET = 'whsec_unit_secret';
const T0 = 1_800_000_000_000;
let sign: StripeFakeModule['stripeSignature'];
let clock: number;
let ledger: MemoryLedger;
let events: MemoryProcessedEvents;
let logged: LoggedEvent[];
let deps: StripeWebhookDeps;

beforeAll(async () => {
  sign = (await loadStripeFake()).stripeSignature;
});
beforeEach(() => {
  clock = T0;
  ({ ledger, events, logged, deps } = webhookWorld(SECRET, () => clock));
});

function record(status: PaymentRecord['status'], over: Partial<PaymentRecord> = {}): PaymentRecord {
  const base = { uid: 'u1', amount: 1999, currency: 'USD', paymentMethod: 'credit_card' as const };
  return {
    ...base,
    status,
    attempts: 1,
    requestHash: requestHash(base),
    providerRef: 'pi_1',
    createdAt: T0 - 60_000,
    updatedAt: T0 - 60_000,
    ...over,
  };
}

let seq = 0;
/** A PaymentIntent event as Stripe sends it, `ageSec` after... before now. */
function eventOf(type: string, pi: Record<string, unknown>, createdSec = Math.floor(clock / 1000)) {
  return {
    id: `evt_${++seq}`,
    object: 'event',
    type,
    created: createdSec,
    livemode: false,
    data: {
      object: {
        id: 'pi_1',
        object: 'payment_intent',
        amount: 1999,
        currency: 'usd',
        metadata: { transactionId: 'tx1', uid: 'u1' },
        latest_charge: 'ch_1',
        last_payment_error: null,
        ...pi,
      },
    },
  };
}

/** Delivers `event` signed at `signedAtMs` (default now) with `secret`. */
function deliver(event: object, opts: { secret?: string; signedAtMs?: number; signature?: string | undefined } = {}) {
  const payload = JSON.stringify(event, null, 2);
  const signature =
    'signature' in opts
      ? opts.signature
      : sign(payload, opts.secret ?? SECRET, Math.floor((opts.signedAtMs ?? clock) / 1000));
  return handleStripeWebhook(deps, { rawBody: Buffer.from(payload), signature });
}

describe('signature', () => {
  it('answers 400 and writes nothing without a signature, with another secret, too old, or for another body', async () => {
    ledger.put('tx1', record(PaymentStatus.unknown));
    const e = eventOf('payment_intent.succeeded', { status: 'succeeded' });
    expect((await deliver(e, { signature: undefined })).status).toBe(400);
    expect((await deliver(e, { secret: 'whsec_other' })).status).toBe(400);
    expect((await deliver(e, { signedAtMs: clock - 301_000 })).status).toBe(400);
    const payload = JSON.stringify(e);
    const tampered = await handleStripeWebhook(deps, {
      rawBody: payload.replace('1999', '1'),
      signature: sign(payload, SECRET, clock / 1000),
    });
    expect(tampered.status).toBe(400);
    expect((await ledger.get('tx1'))!.status).toBe(PaymentStatus.unknown);
    expect(events.events.size).toBe(0);
    expect(JSON.stringify(logged)).not.toContain(SECRET);
  });

  it('accepts a signature inside the tolerance', async () => {
    ledger.put('tx1', record(PaymentStatus.unknown));
    const reply = await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded' }), {
      signedAtMs: clock - 299_000,
    });
    expect(reply).toEqual({ status: 200, body: { received: true, outcome: 'succeeded' } });
  });

  it('refuses to work without a secret (500): an empty key would verify forgeries', async () => {
    deps.secret = '';
    expect((await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded' }), { secret: '' })).status).toBe(
      500,
    );
  });
});

describe('settling the ledger', () => {
  it('succeeded: writes the charge, remembers the event, and skips a redelivery', async () => {
    ledger.put('tx1', record(PaymentStatus.unknown));
    const e = eventOf('payment_intent.succeeded', { status: 'succeeded' });
    expect((await deliver(e)).body.outcome).toBe('succeeded');
    const after = (await ledger.get('tx1'))!;
    expect(after).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', claimId: null, attempts: 1 });
    expect(events.events.get(e.id)).toMatchObject({ type: e.type, transactionId: 'tx1', outcome: 'succeeded' });
    clock += 1000;
    expect((await deliver(e)).body.outcome).toBe('duplicate');
    expect((await ledger.get('tx1'))!.updatedAt).toBe(after.updatedAt);
  });

  it('payment_failed waits for another payment method (a failed 3-D Secure); canceled is canceled', async () => {
    ledger.put('tx1', record(PaymentStatus.requiresAction));
    const failed = {
      status: 'requires_payment_method',
      last_payment_error: { type: 'invalid_request_error', code: 'payment_intent_authentication_failure' },
    };
    expect((await deliver(eventOf('payment_intent.payment_failed', failed))).body.outcome).toBe(
      'requires_payment_method',
    );
    expect((await ledger.get('tx1'))!.status).toBe('requires_payment_method');
    ledger.put('tx2', record(PaymentStatus.processing, { providerRef: 'pi_2' }));
    const canceled = eventOf('payment_intent.canceled', {
      id: 'pi_2',
      status: 'canceled',
      metadata: { transactionId: 'tx2', uid: 'u1' },
    });
    expect((await deliver(canceled)).body.outcome).toBe('canceled');
    expect((await ledger.get('tx2'))!.status).toBe('canceled');
    // Over a decline (the call canceled the PaymentIntent after it): nothing changes, no conflict.
    ledger.put('tx3', record(PaymentStatus.declined, { providerRef: 'pi_3', declineCode: 'generic_decline' }));
    const afterDecline = { id: 'pi_3', status: 'canceled', metadata: { transactionId: 'tx3', uid: 'u1' } };
    expect((await deliver(eventOf('payment_intent.canceled', afterDecline))).body.outcome).toBe('unchanged');
    expect(logged.map((l) => l.event)).not.toContain('stripe_webhook.final_conflict');
  });

  it('waiting states: written to an unsettled record, never over a final one, never from an older event', async () => {
    ledger.put('tx1', record(PaymentStatus.unknown));
    expect((await deliver(eventOf('payment_intent.requires_action', { status: 'requires_action' }))).body.outcome).toBe(
      'requires_action',
    );
    expect((await ledger.get('tx1'))!.status).toBe('requires_action');
    // An event from before the record's last write (delivered late) does not step it back.
    clock += 5000;
    const old = eventOf('payment_intent.processing', { status: 'processing' }, Math.floor((clock - 10_000) / 1000));
    expect((await deliver(old)).body.outcome).toBe('stale');
    expect((await ledger.get('tx1'))!.status).toBe('requires_action');
    await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded' }));
    clock += 1000;
    expect((await deliver(eventOf('payment_intent.processing', { status: 'processing' }))).body.outcome).toBe(
      'unchanged',
    );
    expect((await ledger.get('tx1'))!.status).toBe('succeeded');
  });

  it('a live call holds the record: a final answer is written anyway, a waiting one is left to the call', async () => {
    ledger.put('tx1', record(PaymentStatus.pending, { claimId: 'call-1', leaseUntil: T0 + 20_000 }));
    expect((await deliver(eventOf('payment_intent.processing', { status: 'processing' }))).body.outcome).toBe('busy');
    expect((await ledger.get('tx1'))!.status).toBe('pending');
    expect((await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded' }))).body.outcome).toBe(
      'succeeded',
    );
    // The call's claim is left alone; its own write of the same truth releases it.
    expect(await ledger.get('tx1')).toMatchObject({ status: 'succeeded', claimId: 'call-1' });
  });

  it('never changes a final status: a contradiction is logged for a person', async () => {
    ledger.put('tx1', record(PaymentStatus.succeeded, { chargeId: 'ch_1' }));
    expect((await deliver(eventOf('payment_intent.canceled', { status: 'canceled' }))).body.outcome).toBe(
      'final-conflict',
    );
    expect((await ledger.get('tx1'))!.status).toBe('succeeded');
    expect(logged).toContainEqual(
      expect.objectContaining({ event: 'stripe_webhook.final_conflict', severity: 'ERROR' }),
    );
  });

  it.each([PaymentStatus.declined, PaymentStatus.canceled, PaymentStatus.failed])(
    'money wins: succeeded over a record that says %s makes it succeeded, logged at ERROR and counted',
    async (status) => {
      ledger.put('tx1', record(status, { declineCode: 'generic_decline' }));
      const late = { status: 'succeeded', latest_charge: 'ch_late' };
      expect((await deliver(eventOf('payment_intent.succeeded', late))).body.outcome).toBe('late-success');
      expect(await ledger.get('tx1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_late' });
      const fields = { transactionId: 'tx1', stored: status, chargeId: 'ch_late' };
      expect(logged.find((l) => l.event === 'payment.late_success')).toMatchObject({ severity: 'ERROR', fields });
      expect((await ledger.health(clock)).lateSuccesses).toBe(1);
      expect(logged.map((l) => l.event)).not.toContain('stripe_webhook.final_conflict');
    },
  );

  it('another amount, another user or another PaymentIntent is never this payment', async () => {
    ledger.put('tx1', record(PaymentStatus.unknown));
    expect(
      (await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded', amount: 2000 }))).body.outcome,
    ).toBe('mismatch');
    expect((await ledger.health(clock)).mismatches).toBe(1);
    const otherUser = { status: 'succeeded', metadata: { transactionId: 'tx1', uid: 'u2' } };
    expect((await deliver(eventOf('payment_intent.succeeded', otherUser))).body.outcome).toBe('foreign-intent');
    expect(
      (await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded', id: 'pi_other' }))).body.outcome,
    ).toBe('foreign-intent');
    expect((await ledger.get('tx1'))!.status).toBe('unknown');
  });

  it('acknowledges unknown event types and unknown transactions without writing', async () => {
    expect((await deliver(eventOf('charge.succeeded', {}))).body).toEqual({ received: true, outcome: 'ignored' });
    expect((await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded' }))).body.outcome).toBe(
      'unknown-transaction',
    );
    expect(
      (await deliver(eventOf('payment_intent.succeeded', { status: 'succeeded', metadata: {} }))).body.outcome,
    ).toBe('no-transaction');
  });

  it('a PaymentIntent made outside the product never settles a record that holds none (a failed prepare)', async () => {
    ledger.put('tx1', record(PaymentStatus.failed, { providerRef: undefined }));
    const before = await ledger.get('tx1');
    const withUid = eventOf('payment_intent.succeeded', { id: 'pi_outside', status: 'succeeded' });
    const noUid = eventOf('payment_intent.succeeded', {
      id: 'pi_outside2',
      status: 'succeeded',
      metadata: { transactionId: 'tx1' },
    });
    expect((await deliver(withUid)).body.outcome).toBe('foreign-intent');
    expect((await deliver(noUid)).body.outcome).toBe('foreign-intent');
    expect(await ledger.get('tx1')).toEqual(before);
    expect(await ledger.health(clock)).toMatchObject({ foreignIntents: 2, orphanCharges: 2 });
    const orphans = logged.filter((e) => e.event === 'stripe_webhook.orphan_charge');
    expect(orphans.map((e) => [e.fields.paymentIntent, e.fields.reason, e.severity])).toEqual([
      ['pi_outside', 'no-intent-stored', 'ERROR'],
      ['pi_outside2', 'no-intent-stored', 'ERROR'],
    ]);
    expect(events.events.get(withUid.id)).toMatchObject({ transactionId: 'tx1', outcome: 'foreign-intent' });
  });

  it('an orphan charge is counted once however often its event is delivered', async () => {
    const orphan = eventOf('payment_intent.succeeded', { id: 'pi_orphan', status: 'succeeded', metadata: {} });
    expect((await deliver(orphan)).body.outcome).toBe('no-transaction');
    expect((await deliver(orphan)).body.outcome).toBe('duplicate');
    expect((await ledger.health(clock)).orphanCharges).toBe(1);
    expect(logged.find((e) => e.event === 'stripe_webhook.orphan_charge')?.fields).toMatchObject({
      paymentIntent: 'pi_orphan',
      amount: 1999,
      currency: 'usd',
    });
  });

  it('payment_intent.created settles, counts and remembers nothing, for our PaymentIntent or another', async () => {
    ledger.put(
      'tx1',
      record(PaymentStatus.pending, { providerRef: undefined, claimId: 'call-1', leaseUntil: T0 + 20_000 }),
    );
    const before = await ledger.get('tx1');
    for (const id of ['pi_1', 'pi_outside']) {
      const created = eventOf('payment_intent.created', { id, status: 'requires_confirmation' });
      expect((await deliver(created)).body).toEqual({ received: true, outcome: 'ignored' });
    }
    expect(await ledger.get('tx1')).toEqual(before);
    expect(await ledger.health(clock)).toMatchObject({ foreignIntents: 0, orphanCharges: 0 });
    expect(events.events.size).toBe(0);
  });

  it('answers 500 and remembers nothing when the ledger fails, so Stripe delivers again', async () => {
    ledger.put('tx1', record(PaymentStatus.unknown));
    const failing = Object.create(ledger) as MemoryLedger;
    failing.get = () => Promise.reject(new Error('firestore unavailable'));
    deps.ledger = failing;
    const e = eventOf('payment_intent.succeeded', { status: 'succeeded' });
    expect((await deliver(e)).status).toBe(500);
    expect(events.events.size).toBe(0);
    deps.ledger = ledger;
    expect((await deliver(e)).body.outcome).toBe('succeeded');
  });
});
