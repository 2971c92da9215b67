import { describe, expect, it } from 'vitest';
import {
  DisputeEventData,
  DisputeStatus,
  PaymentEventData,
  PublishedEventType,
  type PublishedPaymentStatus,
} from '../api/index.js';
import { ISO_4217_MONEY } from '../payments/iso4217.js';
import type { PaymentSettled } from '../payments/paymentEvents.js';
import { STRIPE_MONEY } from '../payments/provider/stripeCurrencies.js';
import type { OutgoingEvent } from './eventPublisher.js';
import type { RefundSettled } from '../payments/refunds/refundEvents.js';
import type { DisputeClosed, DisputeEvent, DisputeOpened } from '../webhooks/disputeEvents.js';
import {
  disputeCloudEvent,
  paymentCloudEvent,
  publishingSink,
  refundCloudEvent,
  toCloudEvent,
} from './publishedEvents.js';

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

const refund = (over: Partial<RefundSettled> = {}): RefundSettled => ({
  type: 'refund.settled',
  severity: 'INFO',
  transactionId: 'txn_1',
  refundId: 'rf_1',
  uid: 'u1',
  status: 'succeeded',
  previous: 'pending',
  amount: 1000,
  currency: 'USD',
  providerRefundId: 're_1',
  source: 'callable',
  by: 'call',
  refundedAmount: 1500,
  pendingRefundAmount: 0,
  ...over,
});

describe('DisputeEventData', () => {
  it('accepts every dispute status of the history contract, and only those', () => {
    expect([...DisputeEventData.shape.status.options].sort()).toEqual(Object.values(DisputeStatus).sort());
  });
});

describe('refundCloudEvent', () => {
  it('a refund written succeeded is refund.succeeded, with the payment`s refunded total, both in both units', () => {
    expect(refundCloudEvent(refund(), ISO_4217_MONEY)).toEqual({
      type: 'resilient-payments.v1.refund.succeeded',
      source: 'resilient-payments',
      subject: 'txn_1',
      data: {
        transactionId: 'txn_1',
        refundId: 'rf_1',
        uid: 'u1',
        status: 'succeeded',
        amount: 10,
        amountMinor: 1000,
        currency: 'USD',
        refundedAmount: 15,
        refundedAmountMinor: 1500,
        providerRefundId: 're_1',
        failureReason: null,
        source: 'callable',
        settledBy: 'call',
      },
    });
  });

  it('a Stripe refund failing after it succeeded is refund.failed with its reason', () => {
    const e = refundCloudEvent(
      refund({ status: 'failed', previous: 'succeeded', failureReason: 'expired_or_canceled_card', by: 'webhook' }),
      ISO_4217_MONEY,
    );
    expect(e).toMatchObject({
      type: PublishedEventType.refundFailed,
      data: { status: 'failed', failureReason: 'expired_or_canceled_card', settledBy: 'webhook' },
    });
  });

  it('tells nothing of a refund pending or unknown, nor of a status written again', () => {
    expect(refundCloudEvent(refund({ status: 'pending', previous: null }), ISO_4217_MONEY)).toBeNull();
    expect(refundCloudEvent(refund({ status: 'unknown' }), ISO_4217_MONEY)).toBeNull();
    expect(refundCloudEvent(refund({ previous: 'succeeded' }), ISO_4217_MONEY)).toBeNull();
    expect(toCloudEvent(refund({ status: 'pending' }), ISO_4217_MONEY)).toBeNull();
    expect(toCloudEvent(refund(), ISO_4217_MONEY)?.type).toBe(PublishedEventType.refundSucceeded);
  });
});

const facts = {
  transactionId: 'txn_1',
  uid: 'u1',
  disputeId: 'dp_1',
  status: 'needs_response',
  reason: 'fraudulent',
  amount: 1999,
  currency: 'USD',
  evidenceDueBy: 1_800_000_000_000,
  eventId: 'evt_1',
} as const;
const opened: DisputeOpened = { type: 'dispute.opened', severity: 'WARNING', ...facts };
const closed = (status: DisputeClosed['status']): DisputeClosed => ({
  type: 'dispute.closed',
  severity: status === 'lost' ? 'WARNING' : 'INFO',
  ...facts,
  status,
});

describe('disputeCloudEvent', () => {
  it('a dispute opened is dispute.opened about the transactionId, the amount in major and minor units', () => {
    expect(disputeCloudEvent(opened, ISO_4217_MONEY)).toEqual({
      type: 'resilient-payments.v1.dispute.opened',
      source: 'resilient-payments',
      subject: 'txn_1',
      data: {
        transactionId: 'txn_1',
        uid: 'u1',
        disputeId: 'dp_1',
        status: 'needs_response',
        reason: 'fraudulent',
        amount: 19.99,
        amountMinor: 1999,
        currency: 'USD',
      },
    });
  });

  it('a dispute closed is dispute.closed with its final status', () => {
    const types = (['won', 'lost', 'warning_closed'] as const).map((s) => disputeCloudEvent(closed(s), STRIPE_MONEY));
    expect(types.map((e) => [e.type, (e.data as DisputeEventData).status])).toEqual([
      [PublishedEventType.disputeClosed, 'won'],
      [PublishedEventType.disputeClosed, 'lost'],
      [PublishedEventType.disputeClosed, 'warning_closed'],
    ]);
    expect(disputeCloudEvent({ ...closed('lost'), amount: 50000, currency: 'ISK' }, STRIPE_MONEY).data).toMatchObject({
      amount: 500,
      amountMinor: 50000,
    });
  });

  it('carries exactly the contract fields: no deadline, event id, card or secret reaches other systems', () => {
    const withExtra = { ...opened, clientSecret: 'pi_1_secret_x', card: '4242' } as DisputeOpened;
    const { data } = disputeCloudEvent(withExtra, ISO_4217_MONEY);
    expect(Object.keys(data).sort()).toEqual(Object.keys(DisputeEventData.shape).sort());
    expect(JSON.stringify(data)).not.toMatch(/secret|4242|evt_1|1800000000000/);
  });

  it('publishes opened and closed only: updates and unmatched disputes publish nothing', () => {
    const published: OutgoingEvent[] = [];
    const refused: unknown[] = [];
    const sink = publishingSink(
      { publish: (e) => void published.push(e), refused: (...args) => void refused.push(args) },
      STRIPE_MONEY,
    );
    const updated: DisputeEvent = { type: 'dispute.updated', severity: 'INFO', ...facts, funds: 'withdrawn' };
    const unmatched: DisputeEvent = {
      ...{ type: 'dispute.unmatched', severity: 'ERROR', disputeId: 'dp_2', paymentIntent: 'pi_x' },
      ...{ amount: 100, currency: 'USD', eventId: 'evt_2' },
    };
    for (const e of [opened, updated, unmatched, closed('won')]) sink(e);
    expect(published.map((e) => e.type)).toEqual([PublishedEventType.disputeOpened, PublishedEventType.disputeClosed]);
    expect(refused).toEqual([]);
    expect(toCloudEvent(updated, STRIPE_MONEY)).toBeNull();
  });

  it('hands a dispute the contract refuses to the publisher to log and count, and publishes nothing', () => {
    const published: OutgoingEvent[] = [];
    const refused: [string, string | undefined][] = [];
    const sink = publishingSink(
      { publish: (e) => void published.push(e), refused: (type, id) => void refused.push([type, id]) },
      STRIPE_MONEY,
    );
    sink({ ...opened, currency: 'usd' });
    expect(published).toEqual([]);
    expect(refused).toEqual([['dispute.opened', 'txn_1']]);
  });
});
