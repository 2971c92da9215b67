import { describe, expect, it } from 'vitest';
import { PaymentEventData, PublishedEventType, type PublishedPaymentStatus } from '../api/index.js';
import { ISO_4217_MONEY } from '../payments/iso4217.js';
import type { PaymentSettled } from '../payments/paymentEvents.js';
import { STRIPE_MONEY } from '../payments/provider/stripeCurrencies.js';
import type { OutgoingEvent } from './eventPublisher.js';
import { paymentCloudEvent, publishingSink, toCloudEvent } from './publishedEvents.js';

const settled = (over: Partial<PaymentSettled> = {}): PaymentSettled => ({
  type: 'payment.settled',
  severity: 'INFO',
  transactionId: 'txn_1',
  uid: 'u1',
  amount: 2599,
  currency: 'USD',
  status: 'succeeded',
  chargeId: 'ch_1',
  declineCode: null,
  errorCode: null,
  settledBy: 'payment',
  ...over,
});

describe('paymentCloudEvent', () => {
  it('is payment.<status> about the transactionId, with the amount in major and minor units', () => {
    expect(paymentCloudEvent(settled(), ISO_4217_MONEY)).toEqual({
      type: 'resilient-payments.v1.payment.succeeded',
      source: 'resilient-payments',
      subject: 'txn_1',
      data: {
        transactionId: 'txn_1',
        uid: 'u1',
        status: 'succeeded',
        amount: 25.99,
        amountMinor: 2599,
        currency: 'USD',
        chargeId: 'ch_1',
        declineCode: null,
        errorCode: null,
        settledBy: 'payment',
      },
    });
  });

  it('has one type per published status', () => {
    const statuses: PublishedPaymentStatus[] = ['succeeded', 'declined', 'failed', 'canceled'];
    const types = statuses.map((status) => paymentCloudEvent(settled({ status }), ISO_4217_MONEY).type);
    expect(types).toEqual([
      PublishedEventType.paymentSucceeded,
      PublishedEventType.paymentDeclined,
      PublishedEventType.paymentFailed,
      PublishedEventType.paymentCanceled,
    ]);
  });

  it("reads major units with the provider's digits of the currency", () => {
    expect(paymentCloudEvent(settled({ amount: 500, currency: 'JPY' }), ISO_4217_MONEY).data.amount).toBe(500);
    expect(paymentCloudEvent(settled({ amount: 1234, currency: 'KWD' }), ISO_4217_MONEY).data.amount).toBe(1.234);
    // Stripe counts ISK in hundredths although ISO 4217 has none: the same minor amount is another major one.
    expect(paymentCloudEvent(settled({ amount: 50000, currency: 'ISK' }), STRIPE_MONEY).data.amount).toBe(500);
    expect(paymentCloudEvent(settled({ amount: 50000, currency: 'ISK' }), ISO_4217_MONEY).data.amount).toBe(50000);
  });

  it('carries exactly the contract fields: nothing else a domain event holds reaches other systems', () => {
    const withExtra = { ...settled(), clientSecret: 'pi_1_secret_x', card: '4242' } as PaymentSettled;
    const { data } = paymentCloudEvent(withExtra, ISO_4217_MONEY);
    expect(Object.keys(data).sort()).toEqual(Object.keys(PaymentEventData.shape).sort());
    expect(JSON.stringify(data)).not.toMatch(/secret|4242/);
  });
});

describe('toCloudEvent and publishingSink', () => {
  it('publishes settled payments only', () => {
    const published: OutgoingEvent[] = [];
    const refused: unknown[] = [];
    const sink = publishingSink(
      { publish: (e) => void published.push(e), refused: (...args) => void refused.push(args) },
      ISO_4217_MONEY,
    );
    sink({ type: 'payment.completed', severity: 'INFO', transactionId: 't', outcome: 'succeeded', latencyMs: 1 });
    sink({ type: 'payment.canceled', severity: 'INFO', transactionId: 't', uid: 'u', canceledBy: 'u', reason: 'x' });
    sink(settled({ status: 'canceled', chargeId: null }));
    expect(published.map((e) => e.type)).toEqual([PublishedEventType.paymentCanceled]);
    expect(refused).toEqual([]);
    expect(
      toCloudEvent(
        { type: 'payment.attempt', severity: 'INFO', transactionId: 't', attempt: 1, outcome: 'x' },
        ISO_4217_MONEY,
      ),
    ).toBeNull();
  });

  it('hands a shape the contract refuses to the publisher to log and count, and publishes nothing', () => {
    const published: OutgoingEvent[] = [];
    const refused: [string, string | undefined][] = [];
    const sink = publishingSink(
      { publish: (e) => void published.push(e), refused: (type, id) => void refused.push([type, id]) },
      ISO_4217_MONEY,
    );
    expect(() => sink(settled({ amount: 0 }))).not.toThrow();
    expect(published).toEqual([]);
    expect(refused).toEqual([['payment.settled', 'txn_1']]);
  });
});
