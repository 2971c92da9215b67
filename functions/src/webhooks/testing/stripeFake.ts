/**
 * The Stripe API fake (devtools/stripe-fake) for the functions' tests, started
 * on a free port: the StripeProvider's tests reach it over real HTTP through
 * the real stripe SDK, the webhook's tests sign events with its signer.
 */
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { PaymentRequest } from '../../payments/paymentRequest.js';
import { StripeProvider } from '../../payments/provider/stripeProvider.js';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { useDevServer } from '../../testing/devServer.js';

/** A PaymentIntent as the fake stores it (the fields the tests read). */
export interface FakeIntent {
  id: string;
  status: string;
  amount: number;
  currency: string;
  client_secret: string;
  payment_method: string | null;
  metadata: Record<string, string>;
  automatic_payment_methods: { enabled: boolean; allow_redirects: string } | null;
  latest_charge: string | null;
  last_payment_error: { code?: string; decline_code?: string } | null;
}

/** A refund as the fake stores it (the fields the tests read). */
export interface FakeRefund {
  id: string;
  amount: number;
  currency: string;
  payment_intent: string;
  status: string;
  metadata: Record<string, string>;
  failure_reason: string | null;
}

/** The parts of devtools/stripe-fake/server.ts the tests use. */
export interface StripeFake {
  url: string;
  port: number;
  close(): Promise<void>;
  reset(): void;
  setFaults(f: {
    mode: 'none' | 'error-before' | 'error-after' | 'rate-limit' | 'hang' | 'commit-then-hang' | 'key-in-use';
    endpoint?:
      | 'create'
      | 'confirm'
      | 'retrieve'
      | 'cancel'
      | 'balance'
      | 'refund_create'
      | 'refund_retrieve'
      | 'refund_list'
      | 'any';
    count?: number;
    latencyMs?: number;
    retryAfterSec?: number;
    shouldRetry?: boolean;
  }): unknown;
  ledger(): {
    paymentIntents: FakeIntent[];
    charges: { id: string; payment_intent: string; status: string; amount_refunded: number }[];
    refunds: FakeRefund[];
    requestsByKey: Record<string, number>;
    requestsByEndpoint: Record<string, number>;
  };
  completeAuthentication(piId: string, succeed: boolean): FakeIntent | null;
  /** The next `count` refunds stay pending. */
  pendRefunds(count: number): number;
  /** Settles (`succeed`) or fails a refund; null when its state does not allow it. */
  settleRefund(refundId: string, succeed: boolean, failureReason?: string): FakeRefund | null;
  /** A refund made in the Dashboard (no metadata): Stripe's answer. */
  createOutsideRefund(r: { paymentIntent: string; amount?: number }): { status: number; body: unknown };
  settle(piId: string, succeed: boolean): FakeIntent | null;
  advanceClock(ms: number): number;
  /** Events so far and their delivery attempts. */
  events(): {
    events: { id: string; type: string }[];
    deliveries: { eventId: string; attempt: number; status?: number }[];
  };
  holdWebhooks(on: boolean): void;
  /** Delivers the held events, oldest or newest first; how many. */
  flushWebhooks(order: 'created' | 'reverse'): number;
  resendEvent(eventId: string): boolean;
  webhooksIdle(): Promise<void>;
}

/** The fake's module, loaded at run time (vitest strips the types): devtools code is not part of the functions build. */
export interface StripeFakeModule {
  startStripeFake(o: { port?: number; apiKey: string; webhook?: { url: string; secret: string } }): Promise<StripeFake>;
  /** The `Stripe-Signature` header for `payload` signed with `secret` at `timestampSec`. */
  stripeSignature(this: void, payload: string, secret: string, timestampSec: number): string;
}

const SERVER = path.resolve(__dirname, '../../../../devtools/stripe-fake/server.ts');

/** Loads the fake's module. */
export async function loadStripeFake(): Promise<StripeFakeModule> {
  return (await import(SERVER)) as StripeFakeModule;
}

/**
 * Starts the fake (accepting `apiKey`) before the file's tests, resets it after
 * each and stops it after all. The returned function gives the running fake.
 */
export function useStripeFake(apiKey: string): () => StripeFake {
  return useDevServer(
    'the Stripe fake',
    async () => (await loadStripeFake()).startStripeFake({ apiKey }),
    'after-each',
  );
}

/** A payment of 19.99 USD for `transactionId`, charged to the Stripe PaymentMethod `paymentMethodId`. */
export function stripeRequest(transactionId: string, paymentMethodId = 'pm_card_visa'): PaymentRequest {
  return { transactionId, uid: 'u1', amount: 1999, currency: 'USD', paymentMethod: 'credit_card', paymentMethodId };
}

/**
 * A fresh pool and a StripeProvider on the file's fake (2 sockets) for each
 * test, the pool destroyed after it. The returned function gives both.
 */
export function useStripeProvider(fake: () => StripeFake, apiKey: string) {
  let current: { http: HttpPoolManager; provider: StripeProvider } | undefined;
  beforeEach(() => {
    const http = new HttpPoolManager();
    current = { http, provider: new StripeProvider(http, { baseUrl: fake().url, apiKey, maxSockets: 2 }) };
  });
  afterEach(() => current?.http.destroy());
  return () => {
    if (!current) throw new Error('the provider is built in beforeEach');
    return current;
  };
}
