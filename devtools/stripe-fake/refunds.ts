/**
 * The Stripe fake's refunds of PaymentIntents (`POST /v1/refunds`,
 * `GET /v1/refunds/{id}`, `GET /v1/refunds?payment_intent=`): the store, the
 * charge's `amount_refunded` (pending and succeeded refunds; a failed one
 * gives its amount back) and the transitions the control API triggers (the
 * next refunds stay `pending`; a pending one settles or fails, a succeeded one
 * fails later, as card refunds can; a refund made in the Dashboard, without
 * our metadata). Every operation answers with the reply to send and the
 * events to deliver, each with a snapshot of its object; the server decides when.
 */
import { randomBytes } from 'node:crypto';
import type { Intents } from './intents.ts';
import type { ChargeObject, Refund } from './objects.ts';
import { exceedsCharge, missingRefund, nothingToRefund, parseRefundCreate, parseRefundList } from './refundParams.ts';
import type { RefundParams } from './refundParams.ts';
import { stripeError } from './wire.ts';
import type { Form, Reply } from './wire.ts';

/** Event types of refunds. */
export type RefundEventType = 'refund.created' | 'refund.updated' | 'refund.failed' | 'charge.refunded';

/** An event a refund operation caused, with its object as it was then. */
export type RefundEvent = { type: RefundEventType; object: Refund | ChargeObject };

/** The answer of a refund operation; `saved` false for a refusal before execution (no idempotent result). */
export type RefundOperation = { reply: Reply; saved: boolean; events: RefundEvent[] };

/** Why a refund failed when the control API does not say (Stripe's words). */
export const DEFAULT_FAILURE_REASON = 'expired_or_canceled_card';

const refused = (reply: Reply): RefundOperation => ({ reply, saved: false, events: [] });
const ok = (body: unknown): Reply => ({ status: 200, body: structuredClone(body) });

/** Stripe's 404 for an unknown PaymentIntent named by a refund request. */
function missingIntent(piId: string): Reply {
  return stripeError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'payment_intent',
    message: `No such payment_intent: '${piId}'`,
  });
}

/** Every refund, in memory, oldest first. */
export class Refunds {
  private readonly refunds = new Map<string, Refund>();
  /** How many of the next refunds stay `pending` (control). */
  private pendingNext = 0;

  private readonly intents: Intents;
  private readonly now: () => number;

  constructor(intents: Intents, now: () => number) {
    this.intents = intents;
    this.now = now;
  }

  /** `POST /v1/refunds`. */
  create(form: Form): RefundOperation {
    const params = parseRefundCreate(form);
    return 'status' in params ? refused(params) : this.refund(params);
  }

  /**
   * Refunds `amount` (default: what is left) of the PaymentIntent's succeeded
   * charge; refused above what is left, or without a succeeded charge.
   */
  refund(p: RefundParams): RefundOperation {
    const pi = this.intents.get(p.paymentIntent);
    if (!pi) return refused(missingIntent(p.paymentIntent));
    const charge = pi.status === 'succeeded' && pi.latest_charge ? this.intents.chargeOf(pi.latest_charge) : undefined;
    if (charge?.status !== 'succeeded') return refused(nothingToRefund(pi.id));
    const left = charge.amount - charge.amount_refunded;
    const amount = p.amount ?? left;
    if (amount > left || amount === 0) return refused(exceedsCharge(charge.id, amount, left));
    const pending = this.pendingNext > 0;
    if (pending) this.pendingNext -= 1;
    const refund: Refund = {
      id: `re_${randomBytes(12).toString('hex')}`,
      object: 'refund',
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: pi.id,
      created: Math.floor(this.now() / 1000),
      metadata: p.metadata,
      reason: p.reason,
      status: pending ? 'pending' : 'succeeded',
      failure_reason: null,
      balance_transaction: null,
      receipt_number: null,
    };
    this.refunds.set(refund.id, refund);
    this.recount(charge.id);
    return {
      reply: ok(refund),
      saved: true,
      events: [this.event('refund.created', refund), this.event('charge.refunded', this.chargeObject(charge.id)!)],
    };
  }

  /** `GET /v1/refunds/{id}`. */
  retrieve(id: string): Reply {
    const refund = this.refunds.get(id);
    return refund ? ok(refund) : missingRefund(id);
  }

  /** `GET /v1/refunds` (newest first; `payment_intent`, `limit`, `starting_after`). */
  list(query: URLSearchParams): Reply {
    const q = parseRefundList(query);
    if ('status' in q) return q;
    if (q.paymentIntent !== null && !this.intents.get(q.paymentIntent)) return missingIntent(q.paymentIntent);
    let all = [...this.refunds.values()].reverse();
    if (q.paymentIntent !== null) all = all.filter((r) => r.payment_intent === q.paymentIntent);
    if (q.startingAfter !== null) {
      const at = all.findIndex((r) => r.id === q.startingAfter);
      if (at < 0) return missingRefund(q.startingAfter);
      all = all.slice(at + 1);
    }
    const data = all.slice(0, q.limit);
    return ok({ object: 'list', data, has_more: all.length > data.length, url: '/v1/refunds' });
  }

  /** Control: the next `count` refunds stay `pending` until settled. */
  pendNext(count: number): number {
    this.pendingNext = count;
    return count;
  }

  /**
   * Control: a pending refund succeeds (`succeed`), or a pending or succeeded
   * one fails with `failureReason` and gives its amount back to the charge.
   * Null when the refund is unknown or not in a state that allows it.
   */
  settle(id: string, succeed: boolean, failureReason = DEFAULT_FAILURE_REASON): RefundOperation | null {
    const refund = this.refunds.get(id);
    if (!refund) return null;
    if (succeed) {
      if (refund.status !== 'pending') return null;
      refund.status = 'succeeded';
      return { reply: ok(refund), saved: true, events: [this.event('refund.updated', refund)] };
    }
    if (refund.status === 'failed') return null;
    refund.status = 'failed';
    refund.failure_reason = failureReason;
    this.recount(refund.charge);
    return {
      reply: ok(refund),
      saved: true,
      events: [this.event('refund.updated', refund), this.event('refund.failed', refund)],
    };
  }

  /** Copies of every refund, oldest first. */
  snapshot(): Refund[] {
    return structuredClone([...this.refunds.values()]);
  }

  clear(): void {
    this.refunds.clear();
    this.pendingNext = 0;
  }

  /** The charge with its PaymentIntent's metadata and its refunds, as `charge.refunded` carries it. */
  private chargeObject(chargeId: string): ChargeObject | undefined {
    const charge = this.intents.chargeOf(chargeId);
    if (!charge) return undefined;
    const metadata = this.intents.get(charge.payment_intent)?.metadata ?? {};
    const data = [...this.refunds.values()].filter((r) => r.charge === chargeId).reverse();
    return {
      ...charge,
      object: 'charge',
      metadata,
      refunds: { object: 'list', data, has_more: false, url: `/v1/charges/${chargeId}/refunds` },
    };
  }

  private recount(chargeId: string): void {
    const taken = [...this.refunds.values()]
      .filter((r) => r.charge === chargeId && r.status !== 'failed')
      .reduce((sum, r) => sum + r.amount, 0);
    this.intents.setRefunded(chargeId, taken);
  }

  private event(type: RefundEventType, object: Refund | ChargeObject): RefundEvent {
    return { type, object: structuredClone(object) };
  }
}
