import { providerSocketCap, type Config } from '../../config.js';
import type { HttpPoolManager } from '../../resilience/http/index.js';
import { GenericProvider } from './genericProvider.js';
import type { PaymentProvider } from './paymentProvider.js';
import { StripeProvider } from './stripeProvider.js';

/** The settings a provider is built from. */
export type ProviderSettings = Pick<
  Config,
  | 'PAYMENT_PROVIDER'
  | 'PAYMENT_SERVICE_URL'
  | 'STRIPE_TEST_PAYMENT_METHOD'
  | 'VUE_APP_PAYMENT_TIMEOUT'
  | 'VUE_APP_MAX_CONNECTIONS'
  | 'PAYMENT_PROVIDER_MAX_CONCURRENCY'
  | 'PAYMENT_MAX_INSTANCES'
>;

/**
 * The configured payment provider (generic contract or Stripe) on `http`'s
 * `payment-service` pool. The pool's socket cap is this instance's share of
 * the fleet-wide budget (`providerSocketCap`): requests beyond it wait in the
 * agent's queue inside their attempt deadline, and one that never got a socket
 * was never sent. Both adapters send every request through that one agent
 * (axios for the generic contract, PooledStripeHttpClient for the stripe SDK).
 */
export function createPaymentProvider(http: HttpPoolManager, cfg: ProviderSettings, apiKey: string): PaymentProvider {
  const connection = { baseUrl: cfg.PAYMENT_SERVICE_URL, apiKey, maxSockets: providerSocketCap(cfg) };
  if (cfg.PAYMENT_PROVIDER === 'stripe') {
    return new StripeProvider(http, {
      ...connection,
      ...(cfg.STRIPE_TEST_PAYMENT_METHOD ? { testPaymentMethodId: cfg.STRIPE_TEST_PAYMENT_METHOD } : {}),
    });
  }
  return new GenericProvider(http, { ...connection, attemptTimeoutMs: cfg.VUE_APP_PAYMENT_TIMEOUT });
}
