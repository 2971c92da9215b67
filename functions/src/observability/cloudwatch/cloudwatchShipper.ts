/**
 * Ships structured events to Amazon CloudWatch Logs (AWS SDK v3 client).
 *
 * Events are buffered in memory (bounded: the oldest are dropped when full) and
 * sent only by an explicit `flush()`, which a function awaits before it returns:
 * Cloud Functions throttles the CPU after the response, so no background timer
 * may be relied on. A flush is bounded by a time budget covering all its network
 * work (one AbortSignal handed to every SDK call), never throws, and leaves what
 * it could not send buffered, in order. Retries are a small bounded loop instead
 * of cockatiel's retry policy because every wait must also end with the budget.
 *
 * Its requests go over a keep-alive agent of the HTTP pool manager, which
 * measures them like payment-service's (cloudwatchClient.ts); one attempt at a
 * batch is in cloudwatchAttempt.ts. AWS credentials come from an optional
 * credential source (awsCredentials.ts) that refreshes them lazily inside
 * flushes; when none can be had the flush stops at once, events stay buffered.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { HttpPoolManager, type HealthResult } from '../../resilience/http/index.js';
import type { AwsCredentialSource } from '../aws/awsCredentials.js';
import { awsCredentialSource, type CredentialsConfig } from '../aws/awsCredentialsFromConfig.js';
import { attemptBatch, type AttemptTarget } from './cloudwatchAttempt.js';
import { connectCloudWatch } from './cloudwatchClient.js';
import { FailureKinds, ShipErrorCodes, toShipError, type ShipError } from './cloudwatchErrors.js';
import { functionName, instanceId } from '../logs/instance.js';
import {
  MAX_MESSAGE_BYTES,
  planBatches,
  truncateUtf8,
  type InputLogEvent,
  type PlannedBatch,
} from '../logs/logEvents.js';
import { redactEvent } from '../logs/redact.js';
import {
  CLOUDWATCH_LOGS_SERVICE,
  SHIPPER_DEFAULTS,
  type CloudWatchShipperOptions,
  type FlushResult,
  type ShipperCounters,
} from './shipperOptions.js';

export {
  CLOUDWATCH_LOGS_SERVICE,
  SHIPPER_DEFAULTS,
  type CallGuard,
  type CloudWatchShipperOptions,
  type FlushResult,
  type ShipperCounters,
} from './shipperOptions.js';

/** A buffered event; object identity tracks it through a flush. */
type Entry = InputLogEvent;

/** Buffers structured events and ships them to CloudWatch Logs on `flush()`. */
export class CloudWatchShipper {
  readonly logGroup: string;
  readonly logStream: string;
  /** Name of the shipper's service in the HTTP pool manager (and its breaker). */
  readonly serviceName: string;
  private readonly client: CloudWatchLogsClient;
  private readonly pool: HttpPoolManager;
  /** True when the pool is the shipper's own (none was given), so `destroy` closes it. */
  private readonly ownsPool: boolean;
  private readonly target: AttemptTarget;
  private readonly credentials: AwsCredentialSource | undefined;
  private readonly settings: { enabled: boolean } & { -readonly [K in keyof typeof SHIPPER_DEFAULTS]: number };
  private buffer: Entry[] = [];
  private inFlight = 0;
  private flushing: Promise<FlushResult> | null = null;
  private counters = { sent: 0, failed: 0, dropped: 0, failedSends: 0 };
  private lastError: ShipError | null = null;
  private lastSuccessAt: number | null = null;

  constructor(options: CloudWatchShipperOptions) {
    const D = SHIPPER_DEFAULTS;
    this.settings = {
      enabled: options.enabled ?? true,
      timeoutMs: setting(options.timeoutMs, D.timeoutMs, 1),
      retryAttempts: Math.trunc(setting(options.retryAttempts, D.retryAttempts, 0)),
      retryDelayMs: setting(options.retryDelayMs, D.retryDelayMs, 0),
      maxBufferedEvents: Math.trunc(setting(options.maxBufferedEvents, D.maxBufferedEvents, 1)),
      flushBudgetMs: setting(options.flushBudgetMs, D.flushBudgetMs, 0),
    };
    this.logGroup = options.logGroup;
    this.logStream = options.logStream ?? `${functionName()}-${instanceId}`.replace(/[:*]/g, '_');
    this.serviceName = options.serviceName ?? CLOUDWATCH_LOGS_SERVICE;
    this.ownsPool = options.httpPool === undefined;
    this.pool = options.httpPool ?? new HttpPoolManager();
    this.credentials = options.credentialSource;
    this.client = connectCloudWatch({ ...options, pool: this.pool, serviceName: this.serviceName });
    this.target = {
      client: this.client,
      logGroup: this.logGroup,
      logStream: this.logStream,
      timeoutMs: this.settings.timeoutMs,
      guard: options.guard,
      credentials: this.credentials,
    };
  }

  /**
   * The credential source the configuration asks for: keyless through STS with
   * AWS_ROLE_ARN, else the AWS key secrets (awsCredentialsFromConfig.ts).
   * Nothing is fetched until the first flush.
   */
  static credentialsFromConfig(cfg: CredentialsConfig): AwsCredentialSource {
    return awsCredentialSource(cfg);
  }

  /** Whether shipping is on. */
  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Buffers one structured event (redacted again here: this is a sink). Never throws. */
  enqueue(event: Readonly<Record<string, unknown>>): void {
    if (!this.settings.enabled) return;
    let message: string;
    try {
      message = JSON.stringify(redactEvent(event));
    } catch (err) {
      const message = `An event could not be serialised and was skipped (${(err as Error).name}).`;
      this.lastError = { code: ShipErrorCodes.serialization, message, at: Date.now() };
      return;
    }
    // Truncated now rather than at send time, so an oversized event cannot hold megabytes in the buffer.
    this.buffer.push({ timestamp: eventTime(event), message: truncateUtf8(message, MAX_MESSAGE_BYTES) });
    const excess = this.buffer.length + this.inFlight - this.settings.maxBufferedEvents;
    if (excess > 0) this.dropOldest(Math.min(excess, this.buffer.length));
  }

  /**
   * Sends buffered events within `budgetMs` (default flushBudgetMs). Never throws;
   * unsent events stay buffered in order. Concurrent calls share the running flush.
   */
  flush(options: { budgetMs?: number } = {}): Promise<FlushResult> {
    if (!this.settings.enabled || (this.buffer.length === 0 && !this.flushing)) {
      return Promise.resolve({ sent: 0, failed: 0, remaining: this.buffer.length });
    }
    this.flushing ??= this.runFlush(options.budgetMs ?? this.settings.flushBudgetMs).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /**
   * Starts what the next flush would otherwise wait for before sending (the
   * guard's breaker refresh, when due) without waiting for it: a call does this
   * as it begins, so that read overlaps the call's own work instead of
   * delaying its end. Never throws; nothing when shipping is off.
   */
  prepare(): void {
    if (!this.settings.enabled) return;
    try {
      this.target.guard?.prefetch?.();
    } catch {
      // A guard that cannot start its refresh now is asked again by the flush itself.
    }
  }

  /** Counters snapshot. */
  stats(): ShipperCounters {
    return {
      enabled: this.settings.enabled,
      buffered: this.buffer.length + this.inFlight,
      ...this.counters,
      lastError: this.lastError && { ...this.lastError },
      lastSuccessAt: this.lastSuccessAt,
    };
  }

  /**
   * One cheap CloudWatch Logs call (DescribeLogGroups for the log group, limit 1)
   * through the pool, bypassing the guard, within the pool's health timeout
   * (default 2000 ms). The result is also kept by the pool:
   * `httpPool.health(serviceName)`. Runs even when shipping is disabled (it is
   * asked for explicitly). Never throws for an unhealthy service.
   */
  checkHealth(): Promise<HealthResult> {
    return this.pool.checkHealth(this.serviceName);
  }

  /** Releases the SDK client and the credential source, and the pool's sockets when the pool is the shipper's own (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
    this.credentials?.destroy();
    if (this.ownsPool) this.pool.destroy();
  }

  private dropOldest(n: number): void {
    this.buffer.splice(0, n);
    this.counters.dropped += n;
  }

  private async runFlush(budgetMs: number): Promise<FlushResult> {
    const deadline = Date.now() + budgetMs;
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), Math.max(0, budgetMs));
    timer.unref();
    const taken = this.buffer.splice(0);
    this.inFlight = taken.length;
    const before = { ...this.counters };
    let batches: PlannedBatch<Entry>[] = [];
    let next = 0;
    try {
      batches = planBatches(taken);
      while (next < batches.length && !budget.signal.aborted) {
        if (!(await this.sendBatch(batches[next]!, budget.signal, deadline))) break;
        next++;
      }
    } catch (err) {
      this.lastError = toShipError(FailureKinds.transient, err, Date.now()); // defensive: flush never throws
    } finally {
      clearTimeout(timer);
      const unsent = new Set(batches.slice(next).flatMap((b) => b.items));
      const remaining = batches.length === 0 ? taken : taken.filter((e) => unsent.has(e));
      this.inFlight = 0;
      this.buffer = remaining.concat(this.buffer);
      const excess = this.buffer.length - this.settings.maxBufferedEvents;
      if (excess > 0) this.dropOldest(excess);
    }
    return {
      sent: this.counters.sent - before.sent,
      failed: this.counters.failed - before.failed,
      remaining: this.buffer.length,
    };
  }

  /** Sends one batch with retries; returns false when the flush must stop (batch kept). */
  private async sendBatch(batch: PlannedBatch<Entry>, budget: AbortSignal, deadline: number): Promise<boolean> {
    for (let retry = 0; ; retry++) {
      const attempt = await attemptBatch(this.target, batch, budget);
      const now = Date.now();
      if (attempt.kind === 'ok') {
        this.counters.sent += batch.items.length - attempt.rejected;
        this.counters.failed += attempt.rejected;
        this.lastSuccessAt = now;
        if (attempt.rejected > 0) {
          const message = `CloudWatch Logs refused ${attempt.rejected} event(s) as too old or too far in the future; they were dropped.`;
          this.lastError = { code: ShipErrorCodes.partiallyRejected, message, at: now };
        }
        return true;
      }
      this.counters.failedSends++;
      if (attempt.kind === 'data') {
        this.counters.failed += batch.items.length;
        this.lastError = toShipError(FailureKinds.data, attempt.err, now);
        return true;
      }
      if (attempt.kind === 'config') {
        this.lastError = toShipError(FailureKinds.config, attempt.err, now);
        // Temporary credentials may have been revoked or expired early: the next flush gets new ones.
        this.credentials?.invalidate();
        return false;
      }
      this.lastError = attempt.error;
      if (attempt.kind === 'stop' || retry >= this.settings.retryAttempts) return false;
      const delay = this.settings.retryDelayMs * 2 ** retry;
      if (now + delay >= deadline || !(await sleep(delay, budget))) return false;
    }
  }
}

/** Event time: its `timestamp`, else its EMF `_aws.Timestamp`, else now. */
function eventTime(event: Readonly<Record<string, unknown>>): number {
  const aws = event._aws as { Timestamp?: unknown } | undefined;
  const t = typeof event.timestamp === 'number' ? event.timestamp : aws?.Timestamp;
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? Math.trunc(t) : Date.now();
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. The timer never holds the process. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A numeric setting, or its default when missing or unusable (NaN from a bad env value, below `min`). */
function setting(value: number | undefined, fallback: number, min: number): number {
  return value !== undefined && Number.isFinite(value) && value >= min ? value : fallback;
}
