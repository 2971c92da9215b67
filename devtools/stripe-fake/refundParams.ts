/**
 * The parameters of the Stripe fake's Refunds endpoints, refused the way
 * Stripe refuses them (400 invalid_request_error with `code` and `param`,
 * unknown parameters included, so a typo in the adapter shows).
 */
import { parseMetadata, str, unknownParam } from './intentParams.ts';
import { invalidRequest, stripeError } from './wire.ts';
import type { Form, Reply } from './wire.ts';

/** Stripe's refund reasons (`reason`). */
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
/** One refund reason. */
export type RefundReason = (typeof REFUND_REASONS)[number];

/** A valid `POST /v1/refunds`: amount null means "what is left of the charge". */
export type RefundParams = {
  paymentIntent: string;
  amount: number | null;
  reason: RefundReason | null;
  metadata: Record<string, string>;
};

/** A valid `GET /v1/refunds` query. */
export type ListParams = { paymentIntent: string | null; limit: number; startingAfter: string | null };

const CREATE_PARAMS = ['payment_intent', 'amount', 'reason', 'metadata'] as const;
const LIST_PARAMS = ['payment_intent', 'limit', 'starting_after'] as const;

/** Validates a create request. */
export function parseRefundCreate(form: Form): RefundParams | Reply {
  if (form.charge !== undefined) {
    return invalidRequest('The fake refunds PaymentIntents only: pass payment_intent.', 'parameter_unknown', 'charge');
  }
  const bad = unknownParam(form, CREATE_PARAMS);
  if (bad) return bad;
  const paymentIntent = str(form.payment_intent);
  if (paymentIntent === undefined || paymentIntent === '') {
    const message = 'One of the following params should be provided for this request: payment_intent or charge.';
    return invalidRequest(message, 'parameter_missing', 'payment_intent');
  }
  let amount: number | null = null;
  if (form.amount !== undefined) {
    const text = str(form.amount) ?? '';
    amount = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(amount) || amount < 1) {
      const message = 'Invalid integer: amount must be a positive integer in minor units.';
      return invalidRequest(message, 'parameter_invalid_integer', 'amount');
    }
  }
  const reason = str(form.reason);
  if (form.reason !== undefined && !REFUND_REASONS.includes(reason as RefundReason)) {
    const message = `Invalid reason: must be one of ${REFUND_REASONS.join(', ')}.`;
    return invalidRequest(message, 'parameter_invalid', 'reason');
  }
  const [metadata, badMetadata] = parseMetadata(form.metadata);
  if (badMetadata) return badMetadata;
  return { paymentIntent, amount, reason: (reason as RefundReason | undefined) ?? null, metadata };
}

/** Validates a list query (`limit` 1-100, default 10, as Stripe's). */
export function parseRefundList(query: URLSearchParams): ListParams | Reply {
  const names = [...new Set(query.keys())];
  const extra = names.find((k) => !(LIST_PARAMS as readonly string[]).includes(k));
  if (extra) return invalidRequest(`Received unknown parameter: ${extra}`, 'parameter_unknown', extra);
  const limitText = query.get('limit');
  const limit = limitText === null ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return invalidRequest('Invalid integer: limit must be from 1 to 100.', 'parameter_invalid_integer', 'limit');
  }
  return { paymentIntent: query.get('payment_intent'), limit, startingAfter: query.get('starting_after') };
}

/** Stripe's 404 for an unknown refund. */
export function missingRefund(id: string): Reply {
  return stripeError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'id',
    message: `No such refund: '${id}'`,
  });
}

/** The refusal of a refund above what is left of the charge (nothing left: already refunded). */
export function exceedsCharge(chargeId: string, amount: number, left: number): Reply {
  if (left === 0) {
    return invalidRequest(`Charge ${chargeId} has already been refunded.`, 'charge_already_refunded', 'amount');
  }
  const message = `Refund amount (${amount}) is greater than unrefunded amount on charge (${left}).`;
  return invalidRequest(message, 'amount_too_large', 'amount');
}

/** The refusal of a refund of a PaymentIntent that has no successful charge. */
export function nothingToRefund(piId: string): Reply {
  const message = `This PaymentIntent (${piId}) does not have a successful charge to refund.`;
  return invalidRequest(message, 'charge_not_refundable', 'payment_intent');
}
