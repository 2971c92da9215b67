/**
 * The Stripe fake's events and their delivery to one webhook endpoint, signed
 * like Stripe signs them: `Stripe-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<raw body>")>`. A delivery answered with anything
 * but 2xx (or not answered) is retried after each of `retryDelaysMs`. For
 * out-of-order and duplicate tests, deliveries can be held and later flushed
 * in reverse order, and any event can be sent again.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IntentEventType } from './intents.ts';
import type { ChargeObject, PaymentIntent, Refund } from './objects.ts';
import type { RefundEventType } from './refunds.ts';
import type { Dispute, DisputeEventType } from './disputes.ts';

/** The `Stripe-Signature` header for `payload` signed with `secret` at `timestampSec`. */
export function stripeSignature(payload: string, secret: string, timestampSec: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSec}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSec},v1=${v1}`;
}

/** An event as Stripe sends it (snapshot payload: the object as it was when the event happened). */
export type StripeEvent = {
  id: string;
  object: 'event';
  api_version: string | null;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: IntentEventType | RefundEventType | DisputeEventType;
  data: { object: EventObject };
};

/** What an event carries: a PaymentIntent, a refund, or a charge (`charge.refunded`). */
export type EventObject = PaymentIntent | Refund | ChargeObject | Dispute;

/** One delivery attempt of an event. */
export type Delivery = { eventId: string; type: string; attempt: number; at: number; status?: number; error?: string };

/** Where and how events are delivered. */
export type WebhookOptions = {
  url: string;
  /** The endpoint's signing secret (`whsec_...`); never logged or returned by the control API. */
  secret: string;
  /** Delay before each retry of a failed delivery (default 200, 1000, 5000 ms; Stripe itself retries for days). */
  retryDelaysMs?: number[];
  /** How long one delivery may take before it counts as failed (default 10 s). */
  timeoutMs?: number;
};

/** Builds events and delivers them. */
export class WebhookSender {
  private readonly events: StripeEvent[] = [];
  private readonly log: Delivery[] = [];
  private readonly held: StripeEvent[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private holding = false;
  private closed = false;

  private readonly options: WebhookOptions | undefined;
  private readonly now: () => number;

  constructor(options: WebhookOptions | undefined, now: () => number) {
    this.options = options;
    this.now = now;
  }

  /** Records an event with a snapshot of its object and delivers it (unless deliveries are held). */
  emit(
    type: StripeEvent['type'],
    object: EventObject,
    request: { apiVersion: string | null; idempotencyKey: string | null },
  ): StripeEvent {
    const event: StripeEvent = {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: request.apiVersion,
      created: Math.floor(this.now() / 1000),
      livemode: false,
      pending_webhooks: this.options ? 1 : 0,
      request: {
        id: request.idempotencyKey === null ? null : `req_${randomBytes(7).toString('hex')}`,
        idempotency_key: request.idempotencyKey,
      },
      type,
      data: { object },
    };
    this.events.push(event);
    if (this.holding) this.held.push(event);
    else this.deliver(event, 1);
    return event;
  }

  /** Holds deliveries (true) until `flush`, or delivers at once again (false). */
  hold(on: boolean): void {
    this.holding = on;
  }

  /** Delivers the held events, oldest first or newest first (`reverse`: out of order). Returns how many. */
  flush(order: 'created' | 'reverse' = 'created'): number {
    const batch = this.held.splice(0);
    if (order === 'reverse') batch.reverse();
    for (const event of batch) this.deliver(event, 1);
    return batch.length;
  }

  /** Delivers an event again (a duplicate, as Stripe may send). False when unknown. */
  resend(eventId: string): boolean {
    const event = this.events.find((e) => e.id === eventId);
    if (event) this.deliver(event, 1);
    return event !== undefined;
  }

  /** Every event so far, oldest first. */
  list(): StripeEvent[] {
    return structuredClone(this.events);
  }

  /** Every delivery attempt so far. */
  deliveries(): Delivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  /** Resolves once no delivery is on the wire (retries still scheduled are not waited for). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  clear(): void {
    this.events.length = 0;
    this.log.length = 0;
    this.held.length = 0;
    this.holding = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  close(): void {
    this.closed = true;
    this.clear();
  }

  private deliver(event: StripeEvent, attempt: number): void {
    const opts = this.options;
    if (!opts || this.closed) return;
    const sending = this.send(opts, event, attempt).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async send(opts: WebhookOptions, event: StripeEvent, attempt: number): Promise<void> {
    // Pretty-printed like Stripe's; the signature covers these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    const entry: Delivery = { eventId: event.id, type: event.type, attempt, at: this.now() };
    this.log.push(entry);
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Stripe/1.0 (stripe-fake)',
          // Signed on the wall clock, not the fake's: a test that moves the fake's clock a day ahead
          // must not make every delivery fall outside the receiver's tolerance.
          'Stripe-Signature': stripeSignature(payload, opts.secret, Math.floor(Date.now() / 1000)),
        },
        body: payload,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      entry.status = res.status;
      if (res.ok) return;
    } catch (err) {
      entry.error = (err as { name?: string }).name ?? 'error';
    }
    const delays = opts.retryDelaysMs ?? [200, 1000, 5000];
    const delay = delays[attempt - 1];
    if (delay === undefined || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.deliver(event, attempt + 1);
    }, delay).unref();
    this.timers.add(timer);
  }
}
