// Events for other systems end to end (docs/events.md): a payment through
// processPayment, and a refund through refundPayment (the generic adapter
// against the simulator), is published through the Eventarc emulator (the functions run
// with EVENTARC_CHANNEL, scripts/emulator-config.mjs) and reaches the test-only
// consumer (tests/eventarc-consumer, onCustomEventPublished), which records
// each CloudEvent it receives in `eventarcReceived`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_SOURCE,
  PaymentEventData,
  PublishedEventType,
  RefundEventData,
  type ProcessPaymentResult,
  type RefundPaymentResult,
} from '../../functions/src/api/index.js';
import { adminDb } from './admin.js';
import { USERS, session, type Session } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';

const txn = (tag: string) => `evt_${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;

/** What the consumer recorded of one event. */
interface Received {
  type: string;
  source: string;
  subject: string;
  time: string;
  data: unknown;
}

/** The events the consumer received about `transactionId`, once `count` have arrived (delivery is asynchronous). */
async function receivedAbout(transactionId: string, count: number, timeoutMs = 15_000): Promise<Received[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const snap = await adminDb().collection('eventarcReceived').where('subject', '==', transactionId).get();
    const got = snap.docs.map((d) => d.data() as Received);
    if (got.length >= count || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('events for other systems through the Eventarc emulator', () => {
  let user: Session, admin: Session;
  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin)]);
  });
  eachTestFromACleanProvider(() => admin, 'evt_');
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  it('a payment through processPayment: the consumer receives payment.succeeded once, with its data', async () => {
    const id = txn('ok');
    const res = await user.call<ProcessPaymentResult>('processPayment', {
      amount: 25.99,
      paymentMethod: 'credit_card',
      transactionId: id,
    });
    expect(res).toMatchObject({ status: 'succeeded', replayed: false });
    const [event, ...more] = await receivedAbout(id, 1);
    expect(event).toMatchObject({ type: PublishedEventType.paymentSucceeded, source: EVENT_SOURCE, subject: id });
    expect(PaymentEventData.parse(event!.data)).toEqual({
      transactionId: id,
      uid: user.uid,
      status: 'succeeded',
      amount: 25.99,
      amountMinor: 2599,
      currency: 'USD',
      chargeId: res.chargeId,
      declineCode: null,
      errorCode: null,
      settledBy: 'payment',
    });
    expect(more).toEqual([]);

    // A replay commits nothing: nothing more is published.
    await user.call('processPayment', { amount: 25.99, paymentMethod: 'credit_card', transactionId: id });
    const later = await receivedAbout(id, 2, 2000);
    expect(later).toHaveLength(1);
  });

  it('a decline is published as payment.declined with its code, not as a success', async () => {
    const id = txn('decline');
    const res = await user.call('processPayment', { amount: 4.02, paymentMethod: 'debit_card', transactionId: id });
    expect(res).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds' });
    const events = await receivedAbout(id, 1);
    expect(events.map((e) => [e.type, (e.data as PaymentEventData).declineCode])).toEqual([
      [PublishedEventType.paymentDeclined, 'insufficient_funds'],
    ]);
  });

  it('a refund through refundPayment: the consumer receives refund.succeeded with both amounts and the payer', async () => {
    const id = txn('refund');
    await user.call('processPayment', { amount: 25.99, paymentMethod: 'credit_card', transactionId: id });
    const refund = await admin.call<RefundPaymentResult>('refundPayment', {
      transactionId: id,
      refundId: `${id}_r1`,
      amount: 10,
    });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 10, refundedAmount: 10, replayed: false });
    const events = await receivedAbout(id, 2);
    const received = events.find((e) => e.type === PublishedEventType.refundSucceeded);
    expect(received).toMatchObject({ source: EVENT_SOURCE, subject: id });
    expect(RefundEventData.parse(received!.data)).toMatchObject({
      transactionId: id,
      refundId: `${id}_r1`,
      uid: user.uid,
      status: 'succeeded',
      amount: 10,
      amountMinor: 1000,
      currency: 'USD',
      refundedAmount: 10,
      refundedAmountMinor: 1000,
      source: 'callable',
      settledBy: 'call',
    });
    expect(events.map((e) => e.type).sort()).toEqual(
      [PublishedEventType.paymentSucceeded, PublishedEventType.refundSucceeded].sort(),
    );
  });
});
