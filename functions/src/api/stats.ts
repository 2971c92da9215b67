/**
 * `getConnectionPoolStats`: the fleet report and the CloudWatch shipper counters in it.
 * Part of the callables' contract (see api/index.ts): import-free, the SPA bundles it.
 */

import type { LedgerHealth } from './ledger.js';
import type { PaymentProviderName } from './payments.js';
import type { InstanceIdentity, ProviderConcurrency, ServiceStats } from './pools.js';
import type { RejectionCounts } from './refusals.js';

/** CloudWatch shipper counters. */
export interface ShipperStats {
  enabled: boolean;
  /** Events waiting to be sent. */
  buffered: number;
  sent: number;
  /** Events CloudWatch refused (dropped, never retried). */
  failed: number;
  /** Events discarded because the buffer was full (oldest first). */
  dropped: number;
  /**
   * Attempts at sending a batch that delivered nothing (no credentials,
   * network, throttling, 5xx, timeout, breaker, refusal); those events stay
   * buffered. Unlike `failed`, nothing was lost.
   */
  failedSends: number;
  /** Most recent failure, or null if none yet. */
  lastError: { code: string; message: string; at: number } | null;
  /** Last accepted PutLogEvents, or null if none yet. */
  lastSuccessAt: number | null;
}

/** Answer of `getConnectionPoolStats`. */
export interface ConnectionPoolStats {
  at: number;
  /** Which provider `payment-service` is (PAYMENT_PROVIDER): the admin page offers Stripe's test PaymentMethods in Stripe mode. */
  paymentProvider: PaymentProviderName;
  services: Record<string, ServiceStats>;
  /** The provider concurrency budget, the per-instance cap and the peak in flight. */
  providerConcurrency: ProviderConcurrency;
  /** Ledger health, read now. */
  ledger: LedgerHealth;
  instances: (InstanceIdentity & {
    services: Record<string, ServiceStats>;
    cloudwatch: ShipperStats | null;
    rejections: RejectionCounts;
  })[];
  /** Fleet total; null when no instance ships to CloudWatch. */
  cloudwatch: ShipperStats | null;
  /** Calls refused before any work (App Check, user limits), summed over live instances. */
  rejections: RejectionCounts;
  /** App Check as the answering instance applies it: APP_CHECK_ENFORCE, and APP_CHECK_CONSUME on processPayment. */
  appCheck: { enforced: boolean; replayProtection: boolean };
}
