/**
 * The Stripe objects the fake stores and sends (the fields the backend reads,
 * and a few more): PaymentIntents, their charges and the charges' refunds.
 */
import type { RefundReason } from './refundParams.ts';
import type { StripeErrorObject } from './wire.ts';

/** PaymentIntent statuses. */
export type IntentStatus =
  'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';

/** A PaymentIntent as the fake stores and returns it (the fields the backend reads, and a few more). */
export type PaymentIntent = {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: IntentStatus;
  client_secret: string;
  created: number;
  livemode: false;
  metadata: Record<string, string>;
  payment_method: string | null;
  payment_method_types: string[];
  automatic_payment_methods: { enabled: boolean; allow_redirects: 'always' | 'never' } | null;
  capture_method: 'automatic';
  confirmation_method: 'automatic';
  latest_charge: string | null;
  last_payment_error: StripeErrorObject | null;
  next_action: { type: 'use_stripe_sdk'; use_stripe_sdk: { type: 'three_d_secure_redirect' } } | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
};

/** A charge the fake made: one per confirmation that reached the card network. */
export type Charge = {
  id: string;
  payment_intent: string;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
  failure_code: string | null;
  /** Minor units refunded: the charge's refunds that are pending or succeeded (a failed one gives its amount back). */
  amount_refunded: number;
  /** True once the whole amount is refunded. */
  refunded: boolean;
};

/** Refund statuses (the fake's refunds of cards: no `requires_action`, no `canceled`). */
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** A refund of a PaymentIntent's charge. */
export type Refund = {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  created: number;
  metadata: Record<string, string>;
  reason: RefundReason | null;
  status: RefundStatus;
  /** Why a refund failed (`expired_or_canceled_card`, `lost_or_stolen_card`, `unknown`); null otherwise. */
  failure_reason: string | null;
  balance_transaction: null;
  receipt_number: null;
};

/**
 * A charge as the `charge.refunded` event carries it: with its PaymentIntent's
 * metadata (Stripe copies it to the charge) and its refunds, newest first.
 */
export type ChargeObject = Charge & {
  object: 'charge';
  metadata: Record<string, string>;
  refunds: { object: 'list'; data: Refund[]; has_more: false; url: string };
};
