import { EVENT_SOURCE, PaymentEventData, PublishedEventType, type PublishedPaymentStatus } from '../api/index.js';
import { toMajorUnits } from '../payments/money.js';
import type { PaymentEvent, PaymentSettled, ReconcileEvent } from '../payments/paymentEvents.js';
import type { ProviderMoney } from '../payments/provider/providerMoney.js';
import type { WebhookEvent } from '../webhooks/webhookEvents.js';
import type { EventPublisher, OutgoingEvent } from './eventPublisher.js';

/**
 * What other systems hear of: the domain events (payments/paymentEvents.ts,
 * webhooks/webhookEvents.ts) that become CloudEvents (api/events.ts), and the
 * subscriber that hands them to the publisher. The mechanisms only emit; this
 * maps, after the ledger commit the event tells of.
 */

/** Every event a subscriber may be handed: the payment path's, reconciliation's and the webhook's. */
export type DomainEvent = PaymentEvent | ReconcileEvent | WebhookEvent;

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

/** The CloudEvent a domain event becomes; null for the events other systems do not hear of. */
export function toCloudEvent(e: DomainEvent, money: Pick<ProviderMoney, 'minorDigits'>): OutgoingEvent | null {
  return e.type === 'payment.settled' ? paymentCloudEvent(e, money) : null;
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
