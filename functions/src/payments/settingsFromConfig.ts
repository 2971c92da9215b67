import type { Config } from '../config/index.js';
import type { PaymentSettings } from './paymentHandler.js';

/** The payment handler's settings from the parsed configuration (docs/configuration.md). */
export function paymentSettings(cfg: Config): PaymentSettings {
  return {
    attemptTimeoutMs: cfg.VUE_APP_PAYMENT_TIMEOUT,
    attempts: cfg.VUE_APP_PAYMENT_RETRY_ATTEMPTS,
    totalTimeoutMs: cfg.PAYMENT_TOTAL_TIMEOUT_MS,
    maxAmount: cfg.PAYMENT_MAX_AMOUNT,
    currencies: cfg.PAYMENT_CURRENCIES,
    settleMs: cfg.PAYMENT_SETTLE_MS,
    idempotencyTtlMs: cfg.PAYMENT_IDEMPOTENCY_TTL_MS,
  };
}
