import type { LimitChange } from '../../api/index.js';
import { providerSocketCap, type Config } from '../../config/index.js';
import type { EndpointSet } from '../../resilience/endpoints/endpointSet.js';
import type { HttpPoolManager } from '../../resilience/http/index.js';
import type { RefundProvider } from '../refunds/refundProvider.js';
import { ISO_4217_MONEY } from '../iso4217.js';
import { GenericProvider } from './genericProvider.js';
import { GenericRefunds } from './genericRefunds.js';
import type { PaymentProvider } from './paymentProvider.js';
import type { ProviderMoney } from './providerMoney.js';
import { STRIPE_MONEY } from './stripeCurrencies.js';
import { StripeProvider } from './stripeProvider.js';

/** The settings a provider is built from. */
export type ProviderSettings = Pick<
  Config,
  | 'PAYMENT_PROVIDER'
  | 'PAYMENT_SERVICE_URL'
  | 'PAYMENT_RETIRED_URLS'
  | 'STRIPE_TEST_PAYMENT_METHOD'
  | 'VUE_APP_PAYMENT_TIMEOUT'
  | 'VUE_APP_MAX_CONNECTIONS'
  | 'PAYMENT_PROVIDER_MAX_CONCURRENCY'
  | 'PAYMENT_MAX_INSTANCES'
  | 'PAYMENT_ENDPOINTS_SHARE_KEYS'
  | 'PAYMENT_ENDPOINT_EJECT_AFTER'
  | 'PAYMENT_ENDPOINT_EJECT_MS'
  | 'ADAPTIVE_LIMITS'
  | 'PAYMENT_LIMIT_MIN'
>;

/** Who listens to the generic provider's mechanisms (app/runtime.ts: logs, metrics, incidents, stats). */
export interface ProviderWiring {
  /** Changes of the adaptive concurrency limit. */
  onLimitChange?: (change: LimitChange) => void;
  /** The endpoints' balancer and ejection state, once built. */
  onEndpoints?: (endpoints: EndpointSet) => void;
  /** A payment pinned to an endpoint in neither PAYMENT_SERVICE_URL nor PAYMENT_RETIRED_URLS (once per name). */
  onUnknownEndpoint?: (endpoint: string) => void;
}

/**
 * The configured payment provider (generic contract or Stripe) on `http`'s
 * `payment-service` pool. The pool's socket cap is this instance's share of
 * the fleet-wide budget (`providerSocketCap`): requests beyond it wait in the
 * agent's queue inside their attempt deadline, and one that never got a socket
 * was never sent. Both adapters send every request through that one agent
 * (axios for the generic contract, PooledStripeHttpClient for the stripe SDK).
 */
export function createPaymentProvider(
  http: HttpPoolManager,
  cfg: ProviderSettings,
  apiKey: string,
  wiring: ProviderWiring = {},
): PaymentProvider {
  const connection = { apiKey, maxSockets: providerSocketCap(cfg) };
  if (cfg.PAYMENT_PROVIDER === 'stripe') {
    // config/config.ts refuses several URLs in Stripe mode.
    return new StripeProvider(http, {
      ...connection,
      baseUrl: cfg.PAYMENT_SERVICE_URL[0]!,
      ...(cfg.STRIPE_TEST_PAYMENT_METHOD ? { testPaymentMethodId: cfg.STRIPE_TEST_PAYMENT_METHOD } : {}),
    });
  }
  // The adaptive limit moves between PAYMENT_LIMIT_MIN and the socket cap (the instance's share of the budget).
  const generic = new GenericProvider(http, {
    ...connection,
    baseUrl: cfg.PAYMENT_SERVICE_URL,
    ...(cfg.PAYMENT_RETIRED_URLS ? { retiredUrls: cfg.PAYMENT_RETIRED_URLS } : {}),
    ...(wiring.onUnknownEndpoint ? { onUnknownEndpoint: wiring.onUnknownEndpoint } : {}),
    attemptTimeoutMs: cfg.VUE_APP_PAYMENT_TIMEOUT,
    shareKeys: cfg.PAYMENT_ENDPOINTS_SHARE_KEYS,
    ejection: { consecutiveFailures: cfg.PAYMENT_ENDPOINT_EJECT_AFTER, baseEjectionMs: cfg.PAYMENT_ENDPOINT_EJECT_MS },
    limit: {
      min: cfg.PAYMENT_LIMIT_MIN,
      adaptive: cfg.ADAPTIVE_LIMITS,
      ...(wiring.onLimitChange ? { onChange: wiring.onLimitChange } : {}),
    },
  });
  wiring.onEndpoints?.(generic.endpoints);
  return generic;
}

/**
 * The refunds of `provider`, on its pools, endpoints and pins; null while its
 * adapter has none (then `refundPayment` answers `unimplemented`).
 */
export function createRefundProvider(provider: PaymentProvider): RefundProvider | null {
  // Stripe's refunds are the StripeProvider's own (stripeRefunds.ts, on its SDK client and pool).
  if (provider instanceof StripeProvider) return provider;
  return provider instanceof GenericProvider ? new GenericRefunds(provider.channel) : null;
}

/** How the configured provider reads money (what its `money` is), known without its key: for readers of the ledger. */
export const providerMoneyOf = (cfg: Pick<Config, 'PAYMENT_PROVIDER'>): ProviderMoney =>
  cfg.PAYMENT_PROVIDER === 'stripe' ? STRIPE_MONEY : ISO_4217_MONEY;
