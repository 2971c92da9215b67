/** Settings, defaults and stats types of the CloudWatch shipper. */
import type { CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import type { ShipperStats } from '../../api/index.js';
import type { HttpPoolManager } from '../../resilience/http/index.js';
import type { AwsCredentialSource } from '../aws/awsCredentials.js';

/** Default name of the shipper's service in the HTTP pool manager and the breaker registry. */
export const CLOUDWATCH_LOGS_SERVICE = 'cloudwatch-logs';

/** Optional circuit-breaker hook: runs `fn`, may refuse (throw) without running it. */
export interface CallGuard {
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /**
   * Starts, without waiting, what `execute` would otherwise wait for first (a
   * fleet breaker's refresh of a copy that is due), so that wait overlaps other work.
   */
  prefetch?(): void;
}

/** Shipper settings; the app's config keys are in brackets. */
export interface CloudWatchShipperOptions {
  /** Target log group; created on first use when missing. */
  logGroup: string;
  /** Target stream; default `<function>-<instanceId>` (one writer per stream). */
  logStream?: string;
  /** AWS region, e.g. us-east-1. */
  region: string;
  /** Endpoint URL override (the local endpoint in tests/dev). */
  endpoint?: string;
  /** Credentials; default: the SDK's default provider chain. Ignored with `credentialSource`. */
  credentials?: CloudWatchLogsClientConfig['credentials'];
  /**
   * Cached, lazily refreshed credentials (awsCredentials.ts): got before each
   * attempt within the flush budget, invalidated when CloudWatch refuses them.
   * The shipper owns it: `destroy()` releases it.
   */
  credentialSource?: AwsCredentialSource;
  /** False turns every call into a no-op (stats still answer). Default true. */
  enabled?: boolean;
  /** Timeout of one HTTP request, ms [VUE_APP_CLOUDWATCH_TIMEOUT]. */
  timeoutMs?: number;
  /** Retries of a batch after its first attempt on throttling/5xx/network errors. */
  retryAttempts?: number;
  /** First back-off delay, doubled on each retry, ms. */
  retryDelayMs?: number;
  /** Buffer bound; when full the oldest event is dropped. */
  maxBufferedEvents?: number;
  /** Default time budget of one flush, ms [CLOUDWATCH_FLUSH_BUDGET_MS]. */
  flushBudgetMs?: number;
  /** Circuit breaker for the service; default runs calls directly. Health checks bypass it. */
  guard?: CallGuard;
  /**
   * The pool manager whose keep-alive agent carries every request, registered
   * under `serviceName` at construction, so its stats and health show the
   * shipper's traffic. Default: a private pool of the shipper.
   */
  httpPool?: HttpPoolManager;
  /** Name of the service in the pool (default {@link CLOUDWATCH_LOGS_SERVICE}). */
  serviceName?: string;
  /** Most concurrent sockets to CloudWatch Logs [VUE_APP_MAX_CONNECTIONS] (the pool's default 10). */
  maxSockets?: number;
  /** Deadline of `checkHealth`, ms (the pool's default 2000). */
  healthTimeoutMs?: number;
}

/** Defaults of the optional numeric settings. */
export const SHIPPER_DEFAULTS = {
  timeoutMs: 10_000,
  retryAttempts: 3,
  retryDelayMs: 1_000,
  maxBufferedEvents: 10_000,
  flushBudgetMs: 300,
} as const;

/** The shipper's counters, as published (`failedSends` included). */
export type ShipperCounters = ShipperStats;

/** What one flush achieved. */
export interface FlushResult {
  /** Events accepted during this flush. */
  sent: number;
  /** Events refused and dropped during this flush. */
  failed: number;
  /** Events still buffered when it returned. */
  remaining: number;
}
