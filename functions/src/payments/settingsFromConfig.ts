import type { Config } from '../config/index.js';

/** Settings of the payment path (from config/config.ts). */
export interface PaymentSettings {
  /** Deadline of one provider attempt, ms [VUE_APP_PAYMENT_TIMEOUT]. */
  attemptTimeoutMs: number;
  /** Attempts per call, all with the same idempotency key [VUE_APP_PAYMENT_RETRY_ATTEMPTS]. */
  attempts: number;
  /** Deadline of the whole call including backoff and lookups, ms [PAYMENT_TOTAL_TIMEOUT_MS]. */
  totalTimeoutMs: number;
  /** Largest amount in major units [PAYMENT_MAX_AMOUNT]. */
  maxAmount: number;
  /** Currencies accepted [PAYMENT_CURRENCIES]; every one the provider supports when absent. */
  currencies?: readonly string[] | undefined;
  /** How long after an unanswered attempt the provider may still charge, ms [PAYMENT_SETTLE_MS]. */
  settleMs: number;
  /** How long the provider remembers an idempotency key, ms [PAYMENT_IDEMPOTENCY_TTL_MS]. */
  idempotencyTtlMs: number;
}

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
