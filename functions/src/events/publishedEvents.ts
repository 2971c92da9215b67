import {
  DisputeEventData,
  EVENT_SOURCE,
  PaymentEventData,
  PublishedEventType,
  PublishedRefundStatus,
  RefundEventData,
  type PublishedPaymentStatus,
} from '../api/index.js';
import { toMajorUnits } from '../payments/money.js';
import type { PaymentEvent, PaymentSettled, ReconcileEvent } from '../payments/paymentEvents.js';
import type { ProviderMoney } from '../payments/provider/providerMoney.js';
import type { RefundEvent, RefundSettled } from '../payments/refunds/refundEvents.js';
import type { DisputeClosed, DisputeOpened } from '../webhooks/disputeEvents.js';
import type { WebhookEvent } from '../webhooks/webhookEvents.js';
import type { EventPublisher, OutgoingEvent } from './eventPublisher.js';

/**
 * What other systems hear of: the domain events (payments/paymentEvents.ts,
 * webhooks/webhookEvents.ts with its disputes, payments/refunds/refundEvents.ts) that become CloudEvents (api/events.ts), and the
 * subscriber that hands them to the publisher. The mechanisms only emit; this
 * maps, after the ledger commit the event tells of.
 */

/** Every event a subscriber may be handed: the payment path's, reconciliation's, the webhook's and the refunds'. */
export type DomainEvent = PaymentEvent | ReconcileEvent | WebhookEvent | RefundEvent;

const PAYMENT_TYPES: Record<PublishedPaymentStatus, PublishedEventType> = {
  succeeded: PublishedEventType.paymentSucceeded,
  declined: PublishedEventType.paymentDeclined,
  failed: PublishedEventType.paymentFailed,
  canceled: PublishedEventType.paymentCanceled,
};

/** The `payment.<status>` CloudEvent of a settled payment, amounts in both units (`money`: the provider's digits). */
export function paymentCloudEvent(e: PaymentSettled, money: Pick<ProviderMoney, 'minorDigits'>): OutgoingEvent {
  const data = PaymentEventData.parse({
    transactionId: e.transactionId,
    uid: e.uid,
    status: e.status,
    amount: toMajorUnits(e.amount, money.minorDigits(e.currency)),
    amountMinor: e.amount,
    currency: e.currency,
    chargeId: e.chargeId,
    declineCode: e.declineCode,
    errorCode: e.errorCode,
    settledBy: e.settledBy,
  });
  return { type: PAYMENT_TYPES[e.status], source: EVENT_SOURCE, subject: e.transactionId, data };
}

const REFUND_TYPES: Record<PublishedRefundStatus, PublishedEventType> = {
  succeeded: PublishedEventType.refundSucceeded,
  failed: PublishedEventType.refundFailed,
};

/**
 * The `refund.<status>` CloudEvent of a refund written succeeded or failed
 * (from another status); null for the others (pending, unknown, a status
 * written again).
 */
export function refundCloudEvent(e: RefundSettled, money: Pick<ProviderMoney, 'minorDigits'>): OutgoingEvent | null {
  const status = PublishedRefundStatus.safeParse(e.status);
  if (!status.success || e.previous === e.status) return null;
  const major = (minor: number) => toMajorUnits(minor, money.minorDigits(e.currency));
  const data = RefundEventData.parse({
    transactionId: e.transactionId,
    refundId: e.refundId,
    uid: e.uid,
    status: status.data,
    amount: major(e.amount),
    amountMinor: e.amount,
    currency: e.currency,
    refundedAmount: major(e.refundedAmount),
    refundedAmountMinor: e.refundedAmount,
    providerRefundId: e.providerRefundId,
    failureReason: e.failureReason ?? null,
    source: e.source,
    settledBy: e.by,
  });
  return { type: REFUND_TYPES[status.data], source: EVENT_SOURCE, subject: e.transactionId, data };
}

/** The `dispute.opened` / `dispute.closed` CloudEvent of a dispute the webhook applied, amounts in both units. */
export function disputeCloudEvent(
  e: DisputeOpened | DisputeClosed,
  money: Pick<ProviderMoney, 'minorDigits'>,
): OutgoingEvent {
  const data = DisputeEventData.parse({
    transactionId: e.transactionId,
    uid: e.uid,
    disputeId: e.disputeId,
    status: e.status,
    reason: e.reason,
    amount: toMajorUnits(e.amount, money.minorDigits(e.currency)),
    amountMinor: e.amount,
    currency: e.currency,
  });
  const type = e.type === 'dispute.opened' ? PublishedEventType.disputeOpened : PublishedEventType.disputeClosed;
  return { type, source: EVENT_SOURCE, subject: e.transactionId, data };
}

/** The CloudEvent a domain event becomes; null for the events other systems do not hear of. */
export function toCloudEvent(e: DomainEvent, money: Pick<ProviderMoney, 'minorDigits'>): OutgoingEvent | null {
  if (e.type === 'payment.settled') return paymentCloudEvent(e, money);
  if (e.type === 'refund.settled') return refundCloudEvent(e, money);
  if (e.type === 'dispute.opened' || e.type === 'dispute.closed') return disputeCloudEvent(e, money);
  return null;
}

/**
 * The subscriber: every domain event that other systems hear of goes to the
 * publisher (which never throws and bounds its own time); a mapping that
 * fails (a shape the contract refuses) is the publisher's to log and count,
 * never the payment's that emitted it.
 */
export function publishingSink(
  publisher: Pick<EventPublisher, 'publish' | 'refused'>,
  money: Pick<ProviderMoney, 'minorDigits'>,
): (e: DomainEvent) => void {
  return (e) => {
    let out: OutgoingEvent | null;
    try {
      out = toCloudEvent(e, money);
    } catch (err) {
      publisher.refused(e.type, 'transactionId' in e ? e.transactionId : undefined, err);
      return;
    }
    if (out) publisher.publish(out);
  };
}
