/**
 * The provider port on Stripe PaymentIntents: `prepare` creates the
 * PaymentIntent without confirming it (no money moves), `charge` confirms it,
 * `lookup` retrieves it; every write carries an idempotency key derived from
 * the transactionId, so every attempt and every repeat call of a payment is the
 * same request to Stripe. Requests go through the official `stripe` SDK with
 * its own retries off (the payment handler decides retries) over the HTTP pool
 * manager's keep-alive agent for `payment-service` (PooledStripeHttpClient), so
 * pool stats, health checks and the circuit breaker cover Stripe.
 * Refunds (the refund port) are stripeRefunds.ts's, on the same client.
 * The mapping of answers is in stripeAnswers.ts; docs/stripe.md has the table.
 */
import Stripe from 'stripe';
import { HttpPoolConfigError, HttpTimeoutError, protocolOf, StallWatch } from '../../resilience/http/index.js';
import type { HealthResult, HttpPoolManager } from '../../resilience/http/index.js';
import { hasCode } from '../../resilience/appError.js';
import {
  PAYMENT_SERVICE,
  PrepareRefusedError,
  type CancelAnswer,
  type ChargeAnswer,
  type LookupAnswer,
  type PaymentProvider,
} from './paymentProvider.js';
import type { PaymentRequest } from '../paymentRequest.js';
import type { RefundAnswer, RefundLookupAnswer, RefundProvider, RefundRequest } from '../refunds/refundProvider.js';
import {
  cancelAnswerOf,
  cancelAnswerOfError,
  chargeAnswerOf,
  chargeAnswerOfError,
  healthProblem,
  lookupAnswerOf,
  lookupAnswerOfError,
  prepareRefusal,
  transportError,
} from './stripeAnswers.js';
import { STRIPE_MONEY } from './stripeCurrencies.js';
import { PooledStripeHttpClient } from './stripeHttpClient.js';
import { StripeRefunds } from './stripeRefunds.js';

/** Connection settings of the Stripe provider. */
export interface StripeProviderOptions {
  /** PAYMENT_SERVICE_URL: `https://api.stripe.com`, or the local fake (`http://127.0.0.1:12111`). No path. */
  baseUrl: string;
  /** The secret key (`sk_live_...`, `sk_test_...`): PAYMENT_API_KEY. Never logged or put in errors. */
  apiKey: string;
  /** Sockets to Stripe per instance (VUE_APP_MAX_CONNECTIONS). */
  maxSockets: number;
  /** Deadline of a health check (default 2000 ms). */
  healthTimeoutMs?: number;
  /**
   * The PaymentMethod confirmed when a request carries no `paymentMethodId`
   * (e.g. `pm_card_visa`, so the admin page's test payments work against test
   * mode or the fake). Refused with a live key (`sk_live_`, `rk_live_`):
   * production payments must name the customer's own payment method.
   */
  testPaymentMethodId?: string;
}

/** Idempotency key of the PaymentIntent's creation: the same PaymentIntent for every call of a transactionId. */
export const createKey = (transactionId: string): string => `${transactionId}:create`;
/** Idempotency key of its confirmation: every attempt of a payment is the same request to Stripe. */
export const confirmKey = (transactionId: string): string => `${transactionId}:confirm`;

/** A PaymentIntent could not be created: nothing was charged. Safe to log (no Stripe message, which may quote the key). */
export class StripePrepareError extends Error {
  constructor(readonly reason: string) {
    super(`Stripe could not prepare the payment: ${reason}`);
    this.name = 'StripePrepareError';
  }
}

/** The SDK takes whole, positive milliseconds (anything else silently means its 80 s default). */
const sdkTimeout = (ms: number) => Math.max(1, Math.floor(ms));

/** Stripe PaymentIntents behind the provider port (see the module comment). */
export class StripeProvider implements PaymentProvider, RefundProvider {
  readonly service = PAYMENT_SERVICE;
  /** Stripe's minor units and amount rules (stripeCurrencies.ts): requests carry amounts in them. */
  readonly money = STRIPE_MONEY;
  private readonly stripe: Stripe;
  private readonly testPaymentMethodId: string | undefined;
  private readonly refunds: StripeRefunds;

  constructor(
    private readonly http: HttpPoolManager,
    options: StripeProviderOptions,
  ) {
    const protocol = protocolOf(PAYMENT_SERVICE, options.baseUrl);
    const url = new URL(options.baseUrl);
    if (url.pathname !== '/' || url.search !== '') {
      throw new HttpPoolConfigError(PAYMENT_SERVICE, 'a Stripe base URL has no path: use https://api.stripe.com');
    }
    // Live keys (sk_live_, rk_live_) move real money: never with a payment method the customer did not choose.
    if (options.testPaymentMethodId !== undefined && /^[a-z]{2}_live_/.test(options.apiKey)) {
      throw new HttpPoolConfigError(PAYMENT_SERVICE, 'a default test payment method is refused with a live key');
    }
    this.testPaymentMethodId = options.testPaymentMethodId;
    const healthTimeoutMs = options.healthTimeoutMs ?? 2000;
    const pooled = http.registerAgent(PAYMENT_SERVICE, {
      protocol,
      maxSockets: options.maxSockets,
      healthTimeoutMs,
      healthProbe: () =>
        this.stripe.balance.retrieve({}, { timeout: sdkTimeout(healthTimeoutMs) }).then(
          () => undefined,
          (err: unknown) => healthProblem(err),
        ),
    });
    this.stripe = new Stripe(options.apiKey, {
      httpClient: new PooledStripeHttpClient(pooled),
      // The payment handler retries with the same keys, inside its deadlines; the SDK must not.
      maxNetworkRetries: 0,
      host: url.hostname,
      port: url.port || (protocol === 'https:' ? 443 : 80),
      protocol: protocol === 'https:' ? 'https' : 'http',
      // Request metrics go to our pool's stats, not into headers to Stripe.
      telemetry: false,
    });
    this.refunds = new StripeRefunds(this.stripe);
  }

  /**
   * Creates the PaymentIntent (amount in minor units, lower-case currency, the
   * customer's PaymentMethod, metadata transactionId and uid, cards without
   * redirects) and returns its id. Throws PrepareRefusedError when Stripe
   * refused the request, else StripePrepareError: nothing moved.
   */
  async prepare(req: PaymentRequest, timeoutMs: number): Promise<string> {
    const paymentMethod = req.paymentMethodId ?? this.testPaymentMethodId;
    if (!paymentMethod) throw new StripePrepareError('the request names no Stripe PaymentMethod (paymentMethodId)');
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.stripe.paymentIntents.create(
        {
          amount: req.amount,
          currency: req.currency.toLowerCase(),
          payment_method: paymentMethod,
          metadata: { transactionId: req.transactionId, uid: req.uid },
          // Confirmed server-side: a payment method that would need a redirect is refused, not left waiting.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        },
        { idempotencyKey: createKey(req.transactionId), timeout: sdkTimeout(timeoutMs) },
      );
    } catch (err) {
      const refused = prepareRefusal(err);
      throw refused ? new PrepareRefusedError(refused) : new StripePrepareError(describe(err));
    }
    // A saved answer for this key must be this payment's PaymentIntent; anything else is never confirmed.
    if (pi.metadata.transactionId !== req.transactionId || pi.amount !== req.amount) {
      throw new StripePrepareError(`PaymentIntent ${pi.id} is not this payment's`);
    }
    return pi.id;
  }

  /** Confirms the PaymentIntent `ref` (never throws; see stripeAnswers.ts for the mapping). */
  async charge(ref: string, req: PaymentRequest, timeoutMs: number): Promise<ChargeAnswer> {
    // Nothing to confirm without a PaymentIntent: a refusal, and nothing is sent.
    if (!ref.startsWith('pi_')) return { kind: 'rejected', httpStatus: 400, providerCode: 'no_payment_intent' };
    const watch = StallWatch.start(timeoutMs);
    try {
      const pi = await this.stripe.paymentIntents.confirm(
        ref,
        {},
        { idempotencyKey: confirmKey(req.transactionId), timeout: sdkTimeout(timeoutMs) },
      );
      watch.stop();
      return chargeAnswerOf(pi, pi.lastResponse.statusCode);
    } catch (err) {
      const timedOut = hasCode(transportError(err), HttpTimeoutError.code);
      return chargeAnswerOfError(err, timeoutMs, watch.stop(timedOut ? timeoutMs : undefined));
    }
  }

  /**
   * Retrieves the PaymentIntent `ref`. A reference that is no PaymentIntent id
   * (the transactionId: prepare never stored one) was never confirmed: not found.
   * A PaymentIntent id Stripe does not know is no proof of anything (see below).
   */
  async lookup(ref: string, req: PaymentRequest, timeoutMs: number): Promise<LookupAnswer> {
    if (!ref.startsWith('pi_')) return { kind: 'not-found' };
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.stripe.paymentIntents.retrieve(ref, {}, { timeout: sdkTimeout(timeoutMs) });
    } catch (err) {
      const answer = lookupAnswerOfError(err);
      // Every `pi_` reference came back from this account's create, and Stripe never deletes a PaymentIntent:
      // its resource_missing means another account's key (PAYMENT_API_KEY changed), which proves nothing.
      return answer.kind === 'not-found'
        ? {
            kind: 'unavailable',
            reason: `PaymentIntent ${ref} is missing: is PAYMENT_API_KEY the account that made it?`,
          }
        : answer;
    }
    // Never read another payment's PaymentIntent as this one's outcome (nor an answer that is none: no metadata).
    if (pi.metadata?.transactionId !== req.transactionId) {
      return { kind: 'unavailable', reason: `PaymentIntent ${ref} belongs to another transaction` };
    }
    return lookupAnswerOf(pi);
  }

  /**
   * Cancels the PaymentIntent `ref` (no idempotency key: a repeat is safe, since
   * Stripe answers a canceled PaymentIntent's state in its refusal, and a saved
   * 500 would otherwise be replayed forever). A reference that is no
   * PaymentIntent id was never created at Stripe: not found.
   */
  async cancel(ref: string, req: PaymentRequest, timeoutMs: number): Promise<CancelAnswer> {
    if (!ref.startsWith('pi_')) return { kind: 'not-found' };
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.stripe.paymentIntents.cancel(ref, {}, { timeout: sdkTimeout(timeoutMs) });
    } catch (err) {
      return cancelAnswerOfError(err);
    }
    if (pi.metadata.transactionId !== req.transactionId) {
      return { kind: 'unavailable', reason: `PaymentIntent ${pi.id} belongs to another transaction` };
    }
    return cancelAnswerOf(pi);
  }

  /** One refund attempt of the PaymentIntent `paymentRef` (stripeRefunds.ts). Never throws. */
  refund(paymentRef: string, req: RefundRequest, timeoutMs: number): Promise<RefundAnswer> {
    return this.refunds.refund(paymentRef, req, timeoutMs);
  }

  /** What became of a refund: by its `re_` id, else by our refundId in the PaymentIntent's refunds. Never throws. */
  lookupRefund(
    paymentRef: string,
    req: RefundRequest,
    providerRefundId: string | undefined,
    timeoutMs: number,
  ): Promise<RefundLookupAnswer> {
    return this.refunds.lookupRefund(paymentRef, req, providerRefundId, timeoutMs);
  }

  /** `GET /v1/balance` (authenticated, moves nothing), recorded as the pool's health. */
  checkHealth(): Promise<HealthResult> {
    return this.http.checkHealth(PAYMENT_SERVICE);
  }
}

/** An SDK error in safe words: status, type and code, never Stripe's message (it may quote part of the key). */
function describe(err: unknown): string {
  const t = transportError(err);
  if (t) return t.code;
  if (err instanceof Stripe.errors.StripeError) {
    return [err.statusCode === undefined ? 'no status' : `HTTP ${err.statusCode}`, err.rawType, err.code]
      .filter(Boolean)
      .join(' ');
  }
  return err instanceof Error ? err.name : 'error';
}
