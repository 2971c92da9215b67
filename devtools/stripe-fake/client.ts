/**
 * The one client of the Stripe fake's control API (/__control/, see
 * control.ts) for the admin SPA and the tests: fetch-based with type-only
 * imports, so a browser bundle can include it.
 */
import { controlCaller } from '../shared/controlClient.ts';
import type { ControlSend } from '../shared/controlClient.ts';
import type { FakeLedger, OutsideIntent, OutsideRefund } from './control.ts';
import type { FaultConfig } from './faults.ts';
import type { PaymentIntent, Refund } from './objects.ts';
import type { Delivery, StripeEvent } from './webhooks.ts';
import type { Dispute, DisputeChange, DisputeOpen } from './disputes.ts';

export { ControlError } from '../shared/controlClient.ts';

/** The control API of one Stripe fake. Every call rejects with ControlError (`http-<status>` and the fake's message). */
export type StripeFakeControl = {
  /** Base URL without trailing slash. */
  readonly url: string;
  faults: () => Promise<FaultConfig>;
  /** Replaces the faults; resolves to them as stored. */
  setFaults: (config: FaultConfig) => Promise<FaultConfig>;
  /** PaymentIntents, charges and request counts. */
  ledger: () => Promise<FakeLedger>;
  /** Events and every delivery attempt. */
  events: () => Promise<{ events: StripeEvent[]; deliveries: Delivery[] }>;
  /** Finishes the 3-D Secure step of a `requires_action` PaymentIntent (`succeed: false` fails it). */
  completeAuthentication: (paymentIntentId: string, succeed?: boolean) => Promise<PaymentIntent>;
  /**
   * The customer confirms the PaymentIntent again client-side, as Stripe.js
   * does with its client secret and another PaymentMethod; resolves to the
   * PaymentIntent, rejects with Stripe's refusal (e.g. a canceled PaymentIntent).
   */
  clientConfirm: (paymentIntentId: string, clientSecret: string, paymentMethod: string) => Promise<PaymentIntent>;
  /** Settles a `processing` PaymentIntent (`succeed: false` declines it). */
  settle: (paymentIntentId: string, succeed?: boolean) => Promise<PaymentIntent>;
  /**
   * Creates and confirms a PaymentIntent outside the product (as Checkout, Payment Links or the
   * Dashboard would: any metadata); its webhooks go out like the fake's other transitions.
   */
  createOutside: (intent: OutsideIntent) => Promise<PaymentIntent>;
  /** A refund made in the Stripe Dashboard (no metadata: not the product's); its webhooks go out. */
  createOutsideRefund: (refund: OutsideRefund) => Promise<Refund>;
  /** The next `count` refunds (default 1) stay `pending` until {@link StripeFakeControl.settleRefund}. */
  pendRefunds: (count?: number) => Promise<{ pendingNext: number }>;
  /**
   * A pending refund succeeds; `succeed: false` fails a pending or succeeded one
   * (`failureReason`, default `expired_or_canceled_card`) and gives its amount back to the charge.
   */
  settleRefund: (refundId: string, succeed?: boolean, failureReason?: string) => Promise<Refund>;
  /** The cardholder disputes a succeeded PaymentIntent's charge (`charge.dispute.created`, `.funds_withdrawn` go out). */
  openDispute: (dispute: DisputeOpen) => Promise<Dispute>;
  /** A dispute changes (`.updated`) or closes with won/lost/warning_closed (`.closed`, then `.funds_reinstated` when won). */
  changeDispute: (disputeId: string, change: DisputeChange) => Promise<Dispute>;
  /** Holds webhook deliveries (true) or lets new ones go out (false). */
  holdWebhooks: (hold: boolean) => Promise<{ hold: boolean }>;
  /** Delivers the held events, oldest first or in reverse. */
  flushWebhooks: (order: 'created' | 'reverse') => Promise<{ delivered: number }>;
  /** Delivers an event again. */
  resendEvent: (eventId: string) => Promise<{ ok: true }>;
  /** Moves the fake's clock forward; resolves to its new time. */
  advanceClock: (ms: number) => Promise<{ now: number }>;
  /** Forgets everything, faults off, clock back. */
  reset: () => Promise<{ ok: true }>;
};

/** A client of the Stripe fake at `baseUrl`. */
export function stripeFakeControl(baseUrl: string, send?: ControlSend): StripeFakeControl {
  const url = baseUrl.replace(/\/+$/, '');
  const call = controlCaller(url, 'Stripe fake', 'Is it running (npm start -- --stripe)?', send);
  const intent = (id: string, action: string, succeed = true) =>
    call<PaymentIntent>('POST', `payment_intents/${encodeURIComponent(id)}/${action}`, { succeed });
  return {
    url,
    faults: () => call('GET', 'faults'),
    setFaults: (config) => call('PUT', 'faults', config),
    ledger: () => call('GET', 'ledger'),
    events: () => call('GET', 'events'),
    completeAuthentication: (id, succeed) => intent(id, 'complete_authentication', succeed),
    settle: (id, succeed) => intent(id, 'settle', succeed),
    createOutside: (outside) => call('POST', 'payment_intents', outside),
    clientConfirm: (id, clientSecret, paymentMethod) =>
      call('POST', `payment_intents/${encodeURIComponent(id)}/client_confirm`, { clientSecret, paymentMethod }),
    createOutsideRefund: (refund) => call('POST', 'refunds', refund),
    pendRefunds: (count = 1) => call('POST', 'refunds/pend_next', { count }),
    settleRefund: (id, succeed = true, failureReason) =>
      call('POST', `refunds/${encodeURIComponent(id)}/settle`, {
        succeed,
        ...(failureReason === undefined ? {} : { failureReason }),
      }),
    openDispute: (dispute) => call('POST', 'disputes', dispute),
    changeDispute: (id, change) => call('POST', `disputes/${encodeURIComponent(id)}`, change),
    holdWebhooks: (hold) => call('PUT', 'webhooks', { hold }),
    flushWebhooks: (order) => call('POST', 'webhooks/flush', { order }),
    resendEvent: (eventId) => call('POST', `events/${encodeURIComponent(eventId)}/resend`),
    advanceClock: (ms) => call('POST', 'clock', { advanceMs: ms }),
    reset: () => call('POST', 'reset'),
  };
}
